import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ALWAYS_OPEN,
  CME_GLOBEX_HOURS,
  calendarStatus,
  defineCalendar,
  epochDayOf,
  FX_24X5_HOURS,
  localTime,
  US_EQUITY_HOURS,
  utcOffsetMs,
} from './calendar.ts';

const at = (iso: string) => Date.parse(iso);

describe('time-zone arithmetic', () => {
  test('when New York is on daylight time then the offset is -4h, and -5h in winter', () => {
    assert.equal(utcOffsetMs('America/New_York', at('2026-07-01T12:00:00Z')), -4 * 3_600_000);
    assert.equal(utcOffsetMs('America/New_York', at('2026-12-01T12:00:00Z')), -5 * 3_600_000);
  });

  test('when DST starts (2027-03-14 07:00Z) then the offset changes in the same quarter hour', () => {
    assert.equal(utcOffsetMs('America/New_York', at('2027-03-14T06:59:00Z')), -5 * 3_600_000);
    assert.equal(utcOffsetMs('America/New_York', at('2027-03-14T07:00:00Z')), -4 * 3_600_000);
  });

  test('when converting to local time then weekday and minute are those on the exchange clock', () => {
    const t = localTime('America/New_York', at('2026-11-23T14:30:00Z')); // Monday 09:30 EST
    assert.equal(t.weekday, 1);
    assert.equal(t.minute, 9 * 60 + 30);
    assert.equal(t.epochDay, epochDayOf('2026-11-23'));
  });
});

describe('US equity hours', () => {
  test('when it is 09:30 New York on a weekday then open, and at 09:29 closed', () => {
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-23T14:30:00Z')), 'open');
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-23T14:29:59Z')), 'closed');
  });

  test('when it is 16:00 New York then closed (the close is exclusive)', () => {
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-23T20:59:59Z')), 'open');
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-23T21:00:00Z')), 'closed');
  });

  test('when it is Thanksgiving then holiday, and on a Saturday closed', () => {
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-26T15:00:00Z')), 'holiday');
    assert.equal(calendarStatus(US_EQUITY_HOURS, at('2026-11-28T15:00:00Z')), 'closed');
  });
});

describe('CME Globex and FX hours', () => {
  test('when it is Sunday 17:00 Chicago then Globex opens; Friday 16:00 it closes', () => {
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-22T22:59:00Z')), 'closed');
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-22T23:00:00Z')), 'open');
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-27T21:59:00Z')), 'open');
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-27T22:00:00Z')), 'closed');
  });

  test('when it is the daily 16:00–17:00 Chicago maintenance break then Globex is closed', () => {
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-24T22:30:00Z')), 'closed');
    assert.equal(calendarStatus(CME_GLOBEX_HOURS, at('2026-11-24T23:00:00Z')), 'open');
  });

  test('when it is Saturday then FX is closed, and Sunday 17:00 New York it reopens', () => {
    assert.equal(calendarStatus(FX_24X5_HOURS, at('2026-11-28T12:00:00Z')), 'closed');
    assert.equal(calendarStatus(FX_24X5_HOURS, at('2026-11-22T21:59:00Z')), 'closed');
    assert.equal(calendarStatus(FX_24X5_HOURS, at('2026-11-22T22:00:00Z')), 'open');
    assert.equal(calendarStatus(FX_24X5_HOURS, at('2026-11-25T03:00:00Z')), 'open');
  });

  test('when it is any hour of any day then the 24x7 calendar is open', () => {
    for (let h = 0; h < 7 * 24; h += 5) {
      assert.equal(calendarStatus(ALWAYS_OPEN, at('2026-11-22T00:00:00Z') + h * 3_600_000), 'open');
    }
  });
});

describe('calendar definitions', () => {
  test('when a session or date is malformed then defineCalendar throws TypeError', () => {
    assert.throws(() => defineCalendar('x', { timeZone: 'UTC', weekly: { mon: ['9:30-16:00'] } }), TypeError);
    assert.throws(
      () => defineCalendar('x', { timeZone: 'UTC', weekly: { mon: ['16:00-09:30'] } }),
      TypeError,
    );
    assert.throws(
      () => defineCalendar('x', { timeZone: 'UTC', weekly: {}, holidays: ['2026-02-30'] }),
      TypeError,
    );
  });

  test('when the time zone is unknown then defineCalendar throws RangeError', () => {
    assert.throws(() => defineCalendar('x', { timeZone: 'Mars/Olympus', weekly: {} }), RangeError);
  });
});
