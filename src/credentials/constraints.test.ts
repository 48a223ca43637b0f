import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type CompiledConstraints,
  checkOrder,
  checkRequest,
  compileConstraints,
  type OrderContext,
  type RequestContext,
} from './constraints.ts';

function compile(input: unknown): CompiledConstraints {
  const result = compileConstraints(input);
  if (!result.ok) throw new Error(JSON.stringify(result.details));
  return result.constraints;
}

/** The overnight FX bot of DESIGN.md scenario 5. */
const fxBot = compile({
  accounts: ['acc_1'],
  environment: 'live',
  assetClasses: ['forex'],
  symbols: ['eur/usd', 'USD/JPY'],
  orderTypes: ['limit'],
  maxOrderNotional: '50000',
  maxDailyNotional: '1000000.00',
  maxOpenOrders: 3,
  ipAllowlist: ['203.0.113.0/24', '2001:db8:1::/48'],
});

const request: RequestContext = { accountId: 'acc_1', environment: 'live', ip: '203.0.113.20' };
const order: OrderContext = {
  symbol: 'EUR/USD',
  assetClass: 'forex',
  type: 'limit',
  notional: '50000.00',
  dailyNotionalUsed: '950000',
  openOrders: 2,
  reducesRisk: false,
};

function codeOf(result: { ok: boolean; code?: string }): string {
  return result.ok ? 'OK' : result.code!;
}

describe('compiling constraints', () => {
  test('every problem is reported at once', () => {
    const result = compileConstraints({
      accounts: [],
      environment: 'prod',
      assetClasses: ['crypto'],
      maxOrderNotional: '1e6',
      maxOpenOrders: 0,
      ipAllowlist: ['10.0.0.1/8'],
      withdraw: true,
    });
    assert.equal(result.ok, false);
    const problems = (!result.ok && (result.details['problems'] as string[])) || [];
    assert.equal(problems.length, 7, problems.join('\n'));
    assert.equal(!result.ok && result.code, 'CONSTRAINTS_INVALID');
  });

  test('accounts and environment are required; everything else is optional', () => {
    assert.equal(compileConstraints({}).ok, false);
    assert.equal(compileConstraints({ accounts: ['acc_1'], environment: 'paper' }).ok, true);
  });

  test('an empty list is refused as ambiguous rather than read as "none" or "all"', () => {
    assert.equal(compileConstraints({ accounts: ['a'], environment: 'paper', symbols: [] }).ok, false);
    assert.equal(compileConstraints({ accounts: ['a'], environment: 'paper', ipAllowlist: [] }).ok, false);
  });

  test('a per-order maximum above the daily maximum is refused', () => {
    const result = compileConstraints({
      accounts: ['a'],
      environment: 'paper',
      maxOrderNotional: '10',
      maxDailyNotional: '9.99',
    });
    assert.equal(result.ok, false);
  });

  test('money limits must be decimal strings, never JSON numbers', () => {
    assert.equal(
      compileConstraints({ accounts: ['a'], environment: 'paper', maxOrderNotional: 1000 }).ok,
      false,
    );
  });

  test('the normalised source upper-cases symbols and trims trailing zeros from amounts', () => {
    assert.deepEqual(fxBot.source.symbols, ['EUR/USD', 'USD/JPY']);
    assert.equal(fxBot.source.maxDailyNotional, '1000000');
  });
});

describe('request checks', () => {
  test('a request from an allowed network to an allowed account in the right environment passes', () => {
    assert.equal(codeOf(checkRequest(fxBot, request)), 'OK');
    assert.equal(codeOf(checkRequest(fxBot, { ...request, ip: '::ffff:203.0.113.20' })), 'OK');
    assert.equal(codeOf(checkRequest(fxBot, { ...request, ip: '2001:db8:1:2::3' })), 'OK');
  });

  test('when_the_environment_differs_then_ENVIRONMENT_MISMATCH', () => {
    assert.equal(codeOf(checkRequest(fxBot, { ...request, environment: 'paper' })), 'ENVIRONMENT_MISMATCH');
  });

  test('when_the_account_is_not_listed_then_ACCOUNT_NOT_ALLOWED', () => {
    assert.equal(codeOf(checkRequest(fxBot, { ...request, accountId: 'acc_2' })), 'ACCOUNT_NOT_ALLOWED');
  });

  test('when_the_address_is_outside_the_allowlist_then_IP_NOT_ALLOWED', () => {
    assert.equal(codeOf(checkRequest(fxBot, { ...request, ip: '198.51.100.1' })), 'IP_NOT_ALLOWED');
    assert.equal(codeOf(checkRequest(fxBot, { ...request, ip: 'garbage' })), 'IP_NOT_ALLOWED');
  });

  test('without an allowlist any address is accepted', () => {
    const open = compile({ accounts: ['acc_1'], environment: 'live' });
    assert.equal(codeOf(checkRequest(open, { ...request, ip: '198.51.100.1' })), 'OK');
  });
});

describe('order checks', () => {
  test('an order at exactly the per-order and daily maximums passes (limits are inclusive)', () => {
    assert.equal(codeOf(checkOrder(fxBot, order)), 'OK');
  });

  test('symbols are matched without regard to case', () => {
    assert.equal(codeOf(checkOrder(fxBot, { ...order, symbol: 'usd/jpy' })), 'OK');
  });

  test('when_the_symbol_is_not_listed_then_SYMBOL_NOT_ALLOWED', () => {
    assert.equal(codeOf(checkOrder(fxBot, { ...order, symbol: 'GBP/USD' })), 'SYMBOL_NOT_ALLOWED');
  });

  test('when_the_asset_class_is_not_listed_then_ASSET_CLASS_NOT_ALLOWED', () => {
    const anySymbol = compile({ accounts: ['a'], environment: 'live', assetClasses: ['forex'] });
    assert.equal(
      codeOf(checkOrder(anySymbol, { ...order, assetClass: 'option' })),
      'ASSET_CLASS_NOT_ALLOWED',
    );
  });

  test('when_the_order_type_is_not_listed_then_ORDER_TYPE_NOT_ALLOWED', () => {
    assert.equal(codeOf(checkOrder(fxBot, { ...order, type: 'market' })), 'ORDER_TYPE_NOT_ALLOWED');
  });

  test('when_the_notional_exceeds_the_per_order_maximum_by_one_hundredth_then_ORDER_NOTIONAL_EXCEEDED', () => {
    const result = checkOrder(fxBot, { ...order, notional: '50000.01', dailyNotionalUsed: '0' });
    assert.deepEqual(result, {
      ok: false,
      code: 'ORDER_NOTIONAL_EXCEEDED',
      details: { notional: '50000.01', max: '50000' },
    });
  });

  test('when_the_day_total_would_pass_the_daily_maximum_then_DAILY_NOTIONAL_EXCEEDED', () => {
    const result = checkOrder(fxBot, { ...order, dailyNotionalUsed: '950000.000000000000000001' });
    assert.equal(codeOf(result), 'DAILY_NOTIONAL_EXCEEDED');
  });

  test('when_the_open_order_cap_is_reached_then_OPEN_ORDERS_EXCEEDED', () => {
    assert.equal(codeOf(checkOrder(fxBot, { ...order, openOrders: 3 })), 'OPEN_ORDERS_EXCEEDED');
  });

  test('a risk-reducing order skips the daily and open-order caps so a bot can always get flat', () => {
    const spent = { ...order, dailyNotionalUsed: '1000000', openOrders: 3, reducesRisk: true };
    assert.equal(codeOf(checkOrder(fxBot, spent)), 'OK');
  });

  test('a risk-reducing order still obeys symbol and per-order limits', () => {
    assert.equal(
      codeOf(checkOrder(fxBot, { ...order, symbol: 'GBP/USD', reducesRisk: true })),
      'SYMBOL_NOT_ALLOWED',
    );
    assert.equal(
      codeOf(checkOrder(fxBot, { ...order, notional: '60000', reducesRisk: true })),
      'ORDER_NOTIONAL_EXCEEDED',
    );
  });

  test('a notional that is not decimal text is a programming error, not a refusal', () => {
    assert.throws(() => checkOrder(fxBot, { ...order, notional: '5e4' }), TypeError);
  });
});
