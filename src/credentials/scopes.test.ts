import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CREDENTIAL_ACTIONS,
  checkScope,
  grantedActions,
  NON_DELEGABLE_ACTIONS,
  parseScopes,
  SCOPE_CATALOGUE,
  SCOPES,
  type Scope,
  scopeAllows,
  scopesGranting,
  scopesWithin,
} from './scopes.ts';

describe('scope catalogue', () => {
  test('lists exactly the six public scopes, each with a title and a plain-words description', () => {
    assert.deepEqual(SCOPES, [
      'account:read',
      'orders:read',
      'trade',
      'trade:reduce-only',
      'kill',
      'market-data',
    ]);
    for (const scope of SCOPES) {
      assert.ok(SCOPE_CATALOGUE[scope].title.length > 0);
      assert.ok(SCOPE_CATALOGUE[scope].description.length > 20);
    }
  });

  test('no scope grants a non-delegable action', () => {
    for (const scope of SCOPES) {
      for (const action of NON_DELEGABLE_ACTIONS) {
        assert.equal((SCOPE_CATALOGUE[scope].grants as readonly string[]).includes(action), false);
      }
    }
  });
});

describe('scopeAllows', () => {
  test('trade:reduce-only can cancel, flatten and place reduce-only orders but not open positions', () => {
    const s = ['trade:reduce-only'];
    assert.equal(scopeAllows(s, 'order.cancel'), true);
    assert.equal(scopeAllows(s, 'position.flatten'), true);
    assert.equal(scopeAllows(s, 'order.place_reduce_only'), true);
    assert.equal(scopeAllows(s, 'order.place'), false);
  });

  test('trade does not imply reading the account or orders (scopes are orthogonal)', () => {
    assert.equal(scopeAllows(['trade'], 'account.read'), false);
    assert.equal(scopeAllows(['trade'], 'orders.read'), false);
  });

  test('all scopes together still cannot withdraw, add a payee, change security or manage credentials', () => {
    for (const action of NON_DELEGABLE_ACTIONS) assert.equal(scopeAllows(SCOPES, action), false);
  });

  test('unknown scope names grant nothing', () => {
    for (const action of CREDENTIAL_ACTIONS)
      assert.equal(scopeAllows(['admin', '*', 'trade:*'], action), false);
  });

  test('property: nothing outside the granted scopes is ever allowed, and non-delegable actions never are', () => {
    const scopeNames = fc.oneof(fc.constantFrom(...SCOPES), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(
        fc.array(scopeNames, { maxLength: 8 }),
        fc.constantFrom(...CREDENTIAL_ACTIONS),
        (scopes, action) => {
          const allowed = scopeAllows(scopes, action);
          const granted = scopes.some(
            (s) =>
              Object.hasOwn(SCOPE_CATALOGUE, s) &&
              (SCOPE_CATALOGUE[s as Scope].grants as readonly string[]).includes(action),
          );
          assert.equal(allowed, granted);
          if ((NON_DELEGABLE_ACTIONS as readonly string[]).includes(action)) assert.equal(allowed, false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('checkScope', () => {
  test('a missing scope answers SCOPE_INSUFFICIENT naming the scopes that would grant it', () => {
    assert.deepEqual(checkScope(['account:read'], 'order.cancel'), {
      ok: false,
      code: 'SCOPE_INSUFFICIENT',
      details: { action: 'order.cancel', requiredScopes: ['trade', 'trade:reduce-only'] },
    });
  });

  test('a non-delegable action answers ACTION_NOT_DELEGABLE whatever the scopes', () => {
    const result = checkScope(SCOPES, 'funds.withdraw');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 'ACTION_NOT_DELEGABLE');
  });

  test('a granted action answers ok', () => {
    assert.deepEqual(checkScope(['kill'], 'account.kill_switch'), { ok: true });
  });
});

describe('parsing and comparing scope sets', () => {
  test('parseScopes refuses unknown names with SCOPE_UNKNOWN and lists them', () => {
    const result = parseScopes(['trade', 'withdraw']);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.details['unknown'], ['withdraw']);
  });

  test('parseScopes collapses duplicates into catalogue order', () => {
    assert.deepEqual(parseScopes(['kill', 'trade', 'kill']), { ok: true, scopes: ['trade', 'kill'] });
  });

  test('scopesWithin: reduce-only fits inside trade, trade does not fit inside reduce-only', () => {
    assert.equal(scopesWithin(['trade:reduce-only'], ['trade']), true);
    assert.equal(scopesWithin(['trade'], ['trade:reduce-only']), false);
    assert.equal(scopesWithin(['nonsense'], SCOPES), false);
  });

  test('grantedActions and scopesGranting are inverse views of the catalogue', () => {
    for (const action of grantedActions(SCOPES)) {
      for (const scope of scopesGranting(action)) assert.equal(scopeAllows([scope], action), true);
    }
  });
});
