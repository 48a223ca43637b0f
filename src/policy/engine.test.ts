import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CredentialPrincipal } from '../credentials/principal.ts';
import { ACTIONS, type Action, isRiskReducing } from './actions.ts';
import { PolicyEngine } from './engine.ts';
import type { FactorUse, SessionPrincipal } from './principal.ts';

const NOW = Date.UTC(2026, 10, 2, 14, 30);
const MIN = 60_000;
const settings = {
  freshHighSeconds: 300,
  freshMediumSeconds: 900,
  largeOrderNotional: '50000',
  withdrawAal3Above: '10000',
};
const engine = new PolicyEngine({ settings, now: () => NOW });

function session(aal: number, factors: FactorUse[]): SessionPrincipal {
  return {
    kind: 'session',
    userId: 'usr_1',
    sessionId: 'ses_1',
    interface: 'portal',
    deviceId: null,
    aal,
    factors,
    isAdmin: false,
    createdAt: NOW - 60 * MIN,
  };
}
const pw = (ago = 60 * MIN): FactorUse => ({ method: 'password', at: NOW - ago });
const totp = (ago: number): FactorUse => ({ method: 'totp', at: NOW - ago });
const sms = (ago: number): FactorUse => ({ method: 'sms', at: NOW - ago });
const key = (ago: number): FactorUse => ({
  method: 'webauthn',
  at: NOW - ago,
  hardwareBound: true,
  userVerified: true,
});
const remembered = (ago: number): FactorUse => ({ method: 'remembered_device', at: NOW - ago });

const setup = session(1, [pw()]);
const staleAal2 = session(2, [pw(), totp(60 * MIN)]);
const fresh = (ago: number) => session(2, [pw(ago), totp(ago)]);
const smsSession = session(2, [pw(MIN), sms(MIN)]);
const rememberedSession = session(2, [pw(MIN), remembered(MIN)]);

const program = {
  kind: 'api_key',
  userId: 'usr_1',
  credentialId: 'key_1',
  scopes: ['order.place'],
  environment: 'paper',
  constraints: {} as CredentialPrincipal['constraints'],
  isAdmin: false,
} as unknown as CredentialPrincipal;

const outcome = (p: SessionPrincipal | CredentialPrincipal, a: Action, amount?: string) =>
  engine.decide(p, a, amount === undefined ? {} : { amount });

describe('policy table, row by row', () => {
  it('read: any session, even a set-up (AAL1) one, is allowed', () => {
    assert.equal(outcome(setup, 'read').outcome, 'allow');
  });

  it('reduce risk: cancel, flatten, kill switch and revocations are allowed for a stale AAL1 session, never step-up', () => {
    for (const a of [
      'cancel_order',
      'flatten',
      'kill_switch',
      'revoke_session',
      'revoke_device',
      'revoke_credential',
      'tighten_limits',
    ] as const) {
      assert.deepEqual(outcome(setup, a), { outcome: 'allow', rule: 'reduce-risk-never-steps-up' }, a);
    }
  });

  it('open or enlarge a position: AAL2 for the session, no freshness below the threshold', () => {
    assert.equal(outcome(staleAal2, 'place_order', '1000').outcome, 'allow');
    const d = outcome(setup, 'place_order', '1000');
    assert.equal(d.outcome, 'step_up');
    assert.equal(d.outcome === 'step_up' && d.requirement.maxAgeSeconds, null);
  });

  it('open or enlarge a position above the notional threshold: fresh within 15 min', () => {
    const d = outcome(staleAal2, 'place_order', '50000.01');
    assert.equal(d.outcome, 'step_up');
    assert.deepEqual(d.outcome === 'step_up' && d.requirement.maxAgeSeconds, 900);
    assert.equal(outcome(fresh(14 * MIN), 'place_order', '50000.01').outcome, 'allow');
    assert.equal(
      outcome(staleAal2, 'place_order', '50000').outcome,
      'allow',
      'the threshold itself is not above',
    );
  });

  it('margin and a new product class: AAL2 fresh within 15 min', () => {
    for (const a of ['use_margin', 'request_permission'] as const) {
      assert.equal(outcome(staleAal2, a).outcome, 'step_up', a);
      assert.equal(outcome(fresh(14 * MIN), a).outcome, 'allow', a);
      assert.equal(outcome(fresh(16 * MIN), a).outcome, 'step_up', a);
    }
  });

  it('add payee, change contact, add device/factor/API key, unfreeze: AAL2 not SMS, fresh within 5 min', () => {
    for (const a of [
      'add_payee',
      'change_contact',
      'add_device',
      'add_factor',
      'add_api_key',
      'unfreeze',
    ] as const) {
      assert.equal(outcome(fresh(4 * MIN), a).outcome, 'allow', a);
      const stale = outcome(fresh(6 * MIN), a);
      assert.equal(stale.outcome === 'step_up' && stale.requirement.maxAgeSeconds, 300, a);
      const viaSms = outcome(smsSession, a);
      assert.equal(viaSms.outcome, 'step_up', a);
      assert.ok(viaSms.outcome === 'step_up' && !viaSms.requirement.methods.includes('sms'), a);
    }
  });

  it('withdraw: AAL2 not SMS fresh within 5 min; above the threshold AAL3 (hardware key)', () => {
    assert.equal(outcome(fresh(MIN), 'withdraw', '10000').outcome, 'allow');
    assert.equal(outcome(smsSession, 'withdraw', '100').outcome, 'step_up');
    const big = outcome(fresh(MIN), 'withdraw', '10000.01');
    assert.equal(big.outcome === 'step_up' && big.requirement.aal, 3);
    assert.deepEqual(big.outcome === 'step_up' && big.requirement.methods, ['webauthn']);
    assert.equal(outcome(session(3, [pw(MIN), key(MIN)]), 'withdraw', '25000').outcome, 'allow');
    assert.equal(outcome(session(3, [pw(MIN), key(6 * MIN)]), 'withdraw', '25000').outcome, 'step_up');
  });

  it('a remembered device never satisfies freshness, only the session level', () => {
    assert.equal(outcome(rememberedSession, 'place_order', '10').outcome, 'allow');
    assert.equal(outcome(rememberedSession, 'add_payee').outcome, 'step_up');
    assert.equal(outcome(rememberedSession, 'use_margin').outcome, 'step_up');
  });

  it('an SMS session that stepped up with TOTP is no longer restricted', () => {
    assert.equal(outcome(session(2, [pw(MIN), sms(MIN), totp(MIN)]), 'add_payee').outcome, 'allow');
  });

  it('a set-up session may enrol its first factor and nothing that adds risk', () => {
    assert.equal(outcome(setup, 'enroll_first_factor').outcome, 'allow');
    for (const a of Object.keys(ACTIONS) as Action[]) {
      if (isRiskReducing(a) || a === 'enroll_first_factor') continue;
      assert.notEqual(outcome(setup, a, '1').outcome, 'allow', a);
    }
  });
});

describe('programs (API keys, delegated and OAuth tokens)', () => {
  it('read and risk-reducing actions are allowed', () => {
    for (const a of ['read', 'cancel_order', 'flatten', 'kill_switch', 'revoke_credential'] as const) {
      assert.equal(outcome(program, a).outcome, 'allow', a);
    }
  });
  it('place_order is allowed: scopes and limits are the credential and risk layers’ job', () => {
    assert.equal(outcome(program, 'place_order', '1000000').outcome, 'allow');
  });
  it('every interactive-only action is denied with CREDENTIAL_NOT_ALLOWED', () => {
    for (const a of [
      'withdraw',
      'add_payee',
      'change_contact',
      'add_device',
      'add_factor',
      'add_api_key',
      'unfreeze',
      'loosen_limits',
      'request_permission',
      'use_margin',
    ] as const) {
      const d = outcome(program, a);
      assert.equal(d.outcome === 'deny' && d.code, 'CREDENTIAL_NOT_ALLOWED', a);
    }
  });
});

describe('property: a stolen AAL1-only state never reaches an AAL2 action', () => {
  it('whatever factors it claims and whatever the amount', () => {
    const use = fc.record({
      method: fc.constantFrom('password', 'remembered_device', 'totp', 'webauthn', 'sms', 'push'),
      at: fc.integer({ min: NOW - 86_400_000, max: NOW + 86_400_000 }),
      hardwareBound: fc.boolean(),
      userVerified: fc.boolean(),
    });
    const actions = (Object.keys(ACTIONS) as Action[]).filter(
      (a) => !isRiskReducing(a) && a !== 'enroll_first_factor',
    );
    fc.assert(
      fc.property(
        fc.array(use, { maxLength: 6 }),
        fc.constantFrom(...actions),
        fc.option(fc.stringMatching(/^\d{1,7}(\.\d{1,2})?$/), { nil: undefined }),
        (factors, action, amount) => {
          const d = engine.decide(session(1, factors), action, amount === undefined ? {} : { amount });
          assert.notEqual(d.outcome, 'allow');
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('admit: the allow is left to the caller’s own event, a refusal is recorded and thrown', () => {
  const recorded: { name: string; outcome: string; reason?: string | null }[] = [];
  const audit = {
    record: async (input: { name: string; outcome: string; reason?: string | null }) => {
      recorded.push(input);
    },
  } as unknown as ConstructorParameters<typeof PolicyEngine>[0]['audit'];
  const audited = new PolicyEngine({ settings, now: () => NOW, ...(audit ? { audit } : {}) });

  it('answers the rule of an allow without recording anything', async () => {
    recorded.length = 0;
    const rule = await audited.admit(fresh(MIN), 'place_order', { amount: '100' }, {});
    assert.equal(rule, audited.decide(fresh(MIN), 'place_order', { amount: '100' }).rule);
    assert.deepEqual(recorded, []);
  });

  it('records a step-up as policy.decided and throws STEP_UP_REQUIRED, as enforce does', async () => {
    recorded.length = 0;
    await assert.rejects(audited.admit(setup, 'place_order', { amount: '100' }, {}), {
      code: 'STEP_UP_REQUIRED',
    });
    assert.deepEqual(
      recorded.map((e) => [e.name, e.outcome, e.reason]),
      [['policy.decided', 'deny', 'step_up']],
    );
  });

  it('enforce records the allow itself', async () => {
    recorded.length = 0;
    await audited.enforce(fresh(MIN), 'place_order', { amount: '100' }, {});
    assert.deepEqual(
      recorded.map((e) => [e.name, e.outcome]),
      [['policy.decided', 'allow']],
    );
  });
});
