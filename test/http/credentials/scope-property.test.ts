import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { SCOPES, scopeAllows } from '../../../src/credentials/scopes.ts';
import { prepareHmacKey } from '../../../src/credentials/signing.ts';
import { ACC_A, ACC_B, type CredHarness, ORDER, signed, startCredHarness, TEST_ROUTES } from './support.ts';

const IPS = ['10.1.2.3', '198.51.100.20', '2001:db8::5'] as const;

/**
 * Random credentials (scopes × accounts × environment × allowlist) against random
 * endpoints, accounts and client addresses: a request succeeds exactly when the
 * scopes grant the route's action and every constraint admits it — never beyond.
 */
describe('property: nothing beyond a credential’s scope succeeds', () => {
  let h: CredHarness;
  before(async () => {
    h = await startCredHarness({ env: { PORTCULLIS_API_KEY_RATE_BURST: '100000' } });
  });
  after(() => h.close());

  test('a signed request is admitted if and only if scope, environment, account and address all allow it', async () => {
    const credential = fc.record({
      scopes: fc.subarray([...SCOPES], { minLength: 1 }),
      accounts: fc.subarray([ACC_A, ACC_B], { minLength: 1 }),
      environment: fc.constantFrom('paper', 'live'),
      ipAllowlist: fc.option(
        fc.constantFrom<string[]>(['10.0.0.0/8'], ['2001:db8::/32', '198.51.100.0/24']),
        {
          nil: undefined,
        },
      ),
    });
    const call = fc.record({
      route: fc.constantFrom(...TEST_ROUTES),
      account: fc.constantFrom(ACC_A, ACC_B),
      ip: fc.constantFrom(...IPS),
    });
    await fc.assert(
      fc.asyncProperty(credential, call, async (c, r) => {
        const constraints = {
          accounts: c.accounts,
          environment: c.environment,
          ...(c.ipAllowlist && { ipAllowlist: c.ipAllowlist }),
        };
        const created = await h.services.credentials.apiKeys.create(
          h.userId,
          { name: 'p', kind: 'hmac', scopes: c.scopes, constraints },
          {},
        );
        const key = { id: created.key.id, kind: 'hmac' as const, signer: prepareHmacKey(created.secret!) };
        const hitsBefore = h.hits.count;
        const res = await signed(
          h,
          key,
          r.route.method,
          r.route.url(r.account),
          r.route.method === 'POST' ? ORDER : undefined,
          { ip: r.ip },
        );
        const ipOk =
          c.ipAllowlist === undefined ||
          (r.ip === '10.1.2.3'
            ? c.ipAllowlist.includes('10.0.0.0/8')
            : !c.ipAllowlist.includes('10.0.0.0/8'));
        const expected =
          scopeAllows(c.scopes, r.route.action) &&
          c.environment === 'paper' &&
          c.accounts.includes(r.account) &&
          ipOk;
        assert.equal(
          res.statusCode === 200,
          expected,
          `${JSON.stringify({ c, route: r.route.url(r.account), ip: r.ip })} → ${res.body}`,
        );
        assert.equal(h.hits.count - hitsBefore, expected ? 1 : 0);
        if (!expected) assert.ok(res.statusCode === 401 || res.statusCode === 403, res.body);
      }),
      { numRuns: 80 },
    );
  });
});
