/**
 * Simple trading-hours calendars: sessions per weekday in an exchange time
 * zone, plus full-day holidays. Early closes and exchange-specific holiday
 * rules for futures are not modelled.
 *
 * `calendarStatus` sits on the order hot path, so the time-zone offset is
 * memoised per zone for the current 15-minute bucket (every DST transition of
 * the zones we use falls on a quarter hour) and Intl is consulted only when
 * the bucket changes.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Session {
  /** Minutes after local midnight, inclusive. */
  readonly open: number;
  /** Minutes after local midnight, exclusive (1440 = end of day). */
  readonly close: number;
}

export interface CalendarSpec {
  readonly timeZone: string;
  /** Sessions per weekday as 'HH:MM-HH:MM' in the calendar's zone; missing days are closed. */
  readonly weekly: Partial<Record<Weekday, readonly string[]>>;
  /** Full-day closures as ISO dates (YYYY-MM-DD, local to the zone). */
  readonly holidays?: readonly string[];
}

export interface TradingCalendar {
  readonly name: string;
  readonly timeZone: string;
  /** Index 0 = Sunday … 6 = Saturday. */
  readonly sessions: readonly (readonly Session[])[];
  /** Days since 1970-01-01 (local) on which the venue is closed. */
  readonly holidays: ReadonlySet<number>;
}

export type CalendarStatus = 'open' | 'closed' | 'holiday';

const DAY_MS = 86_400_000;
const BUCKET_MS = 900_000;

/** Days since 1970-01-01 for an ISO date; TypeError on malformed input. */
export function epochDayOf(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (m === null) throw new TypeError(`Expected YYYY-MM-DD, got ${isoDate}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== isoDate)
    throw new TypeError(`Not a calendar date: ${isoDate}`);
  return ms / DAY_MS;
}

function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = m === null ? Number.NaN : Number(m[1]) * 60 + Number(m[2]);
  if (!(minutes >= 0 && minutes <= 1440) || (m !== null && Number(m[2]) > 59)) {
    throw new TypeError(`Expected HH:MM between 00:00 and 24:00, got ${text}`);
  }
  return minutes;
}

function parseSession(text: string): Session {
  const [open, close, extra] = text.split('-');
  if (open === undefined || close === undefined || extra !== undefined) {
    throw new TypeError(`Expected 'HH:MM-HH:MM', got ${text}`);
  }
  const session = { open: parseClock(open), close: parseClock(close) };
  if (session.open >= session.close) throw new TypeError(`Session must open before it closes: ${text}`);
  return session;
}

export function defineCalendar(name: string, spec: CalendarSpec): TradingCalendar {
  utcOffsetMs(spec.timeZone, 0); // validates the zone (RangeError from Intl if unknown)
  const sessions = WEEKDAYS.map((day) => Object.freeze((spec.weekly[day] ?? []).map(parseSession)));
  const holidays = new Set((spec.holidays ?? []).map(epochDayOf));
  return Object.freeze({ name, timeZone: spec.timeZone, sessions: Object.freeze(sessions), holidays });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, { bucket: number; offset: number }>();

function computeOffset(timeZone: string, at: number): number {
  let fmt = formatters.get(timeZone);
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const local = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return local - (at - (((at % 1000) + 1000) % 1000));
}

/** Offset of local time from UTC in ms for a zone at an instant (memoised per 15 minutes). */
export function utcOffsetMs(timeZone: string, at: number): number {
  const bucket = Math.floor(at / BUCKET_MS);
  const cached = offsetCache.get(timeZone);
  if (cached !== undefined && cached.bucket === bucket) return cached.offset;
  const offset = computeOffset(timeZone, at);
  offsetCache.set(timeZone, { bucket, offset });
  return offset;
}

export interface LocalTime {
  /** Local days since 1970-01-01. */
  readonly epochDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Minutes after local midnight. */
  readonly minute: number;
}

export function localTime(timeZone: string, at: number): LocalTime {
  const local = at + utcOffsetMs(timeZone, at);
  const epochDay = Math.floor(local / DAY_MS);
  const weekday = (((epochDay + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return { epochDay, weekday, minute: Math.floor((local - epochDay * DAY_MS) / 60_000) };
}

export function calendarStatus(calendar: TradingCalendar, at: number): CalendarStatus {
  const t = localTime(calendar.timeZone, at);
  if (calendar.holidays.has(t.epochDay)) return 'holiday';
  const sessions = calendar.sessions[t.weekday] ?? [];
  for (const s of sessions) if (t.minute >= s.open && t.minute < s.close) return 'open';
  return 'closed';
}

// NYSE full-day closures 2026–2028 (published NYSE holiday calendar).
// biome-ignore format: a date table reads better packed
const NYSE_HOLIDAYS = [
  '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03',
  '2026-09-07', '2026-11-26', '2026-12-25', '2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26',
  '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24', '2028-01-17',
  '2028-02-21', '2028-04-14', '2028-05-29', '2028-06-19', '2028-07-04', '2028-09-04', '2028-11-23',
  '2028-12-25',
];

const WEEKDAYS_ONLY = (session: string) => ({
  mon: [session],
  tue: [session],
  wed: [session],
  thu: [session],
  fri: [session],
});

/** NYSE/Nasdaq regular session, 09:30–16:00 New York, Monday–Friday. */
export const US_EQUITY_HOURS = defineCalendar('us-equity', {
  timeZone: 'America/New_York',
  weekly: WEEKDAYS_ONLY('09:30-16:00'),
  holidays: NYSE_HOLIDAYS,
});

/** CME Globex: Sunday 17:00 to Friday 16:00 Chicago, with a daily 16:00–17:00 break. */
export const CME_GLOBEX_HOURS = defineCalendar('cme-globex', {
  timeZone: 'America/Chicago',
  weekly: {
    sun: ['17:00-24:00'],
    mon: ['00:00-16:00', '17:00-24:00'],
    tue: ['00:00-16:00', '17:00-24:00'],
    wed: ['00:00-16:00', '17:00-24:00'],
    thu: ['00:00-16:00', '17:00-24:00'],
    fri: ['00:00-16:00'],
  },
});

/** Spot FX 24×5: Sunday 17:00 to Friday 17:00 New York. */
export const FX_24X5_HOURS = defineCalendar('fx-24x5', {
  timeZone: 'America/New_York',
  weekly: {
    sun: ['17:00-24:00'],
    mon: ['00:00-24:00'],
    tue: ['00:00-24:00'],
    wed: ['00:00-24:00'],
    thu: ['00:00-24:00'],
    fri: ['00:00-17:00'],
  },
});

/** Forecast/event contracts: 24×7. */
export const ALWAYS_OPEN = defineCalendar('24x7', {
  timeZone: 'UTC',
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, ['00:00-24:00']])),
});
