import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  admitsOrder,
  changeTradingState,
  TRADING_STATE_TRANSITIONS,
  transitionDirection,
} from './trading-state.ts';

describe('trading state transitions', () => {
  test('when tightening (kill switch, reduce) then the change reduces risk', () => {
    assert.equal(transitionDirection('ACTIVE', 'HALTED'), 'reduces_risk');
    assert.equal(transitionDirection('ACTIVE', 'REDUCING'), 'reduces_risk');
    assert.equal(transitionDirection('REDUCING', 'HALTED'), 'reduces_risk');
  });

  test('when loosening (resume, reopen for exits) then the change adds risk', () => {
    assert.equal(transitionDirection('HALTED', 'ACTIVE'), 'adds_risk');
    assert.equal(transitionDirection('HALTED', 'REDUCING'), 'adds_risk');
    assert.equal(transitionDirection('REDUCING', 'ACTIVE'), 'adds_risk');
  });

  test('when listing transitions then all six moves between distinct states appear once', () => {
    assert.equal(TRADING_STATE_TRANSITIONS.length, 6);
    const keys = new Set(TRADING_STATE_TRANSITIONS.map((t) => `${t.from}>${t.to}`));
    assert.equal(keys.size, 6);
    assert.equal(TRADING_STATE_TRANSITIONS.filter((t) => t.direction === 'adds_risk').length, 3);
  });

  test('when the state does not change then there is no event; an unknown target is TypeError', () => {
    assert.equal(changeTradingState('ACTIVE', 'ACTIVE', 'noop'), null);
    assert.throws(() => changeTradingState('ACTIVE', 'PAUSED' as never, 'x'), TypeError);
  });

  test('when deciding admission then ACTIVE admits all, REDUCING only reducing orders, HALTED none', () => {
    assert.deepEqual(
      [
        admitsOrder('ACTIVE', false),
        admitsOrder('REDUCING', true),
        admitsOrder('REDUCING', false),
        admitsOrder('HALTED', true),
      ],
      [true, true, false, false],
    );
  });
});
