import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deviceIdFromPublicKey } from '../../src/devices/device-keys.ts';
import { Decimal } from '../../src/trading/decimal.ts';
import { customerWithTotp, type LiveServer, startLiveServer, totpAt } from '../browser/support.ts';
import { PASSWORD } from '../support/harness.ts';
import { SoftDevice } from '../support/soft-device.ts';
import { Tmux } from './tmux.ts';

let server: LiveServer;
let userId: string;
let totpSecret: string;
/** The code for now + `stepsAhead` periods (the server accepts ±1 step; each step only once). */
const totp = (stepsAhead = 0) => totpAt(totpSecret, stepsAhead);
const sessions: Tmux[] = [];
const run = `desk-${process.pid}`;

before(async () => {
  server = await startLiveServer();
  const erin = await customerWithTotp(server, 'erin');
  userId = erin.user.id;
  totpSecret = erin.secret;
});

after(async () => {
  for (const s of sessions) s.kill();
  await server?.stop();
});

/** Runs one `desk … --json` command and answers the JSON value it printed. */
async function jsonLine(home: string, label: string, args: string[]) {
  const screen = await desk(label, [...args, '--json'], { PORTCULLIS_DESK_HOME: home }).t.waitFor(
    /\[exit 0\]/,
  );
  return JSON.parse(screen.split('\n').find((l) => l.startsWith('{') || l.startsWith('['))!);
}

function desk(label: string, args: string[], env: Record<string, string> = {}) {
  const home = env.PORTCULLIS_DESK_HOME ?? mkdtempSync(join(tmpdir(), 'portcullis-desk-'));
  const t = Tmux.desk(`${run}-${label}`, ['--server', server.origin, ...args], {
    PORTCULLIS_DESK_HOME: home,
    ...env,
  });
  sessions.push(t);
  return { t, home };
}

test('desk signs in with a hidden password, keeps the session in a 0600 file, and shows the live blotter', async () => {
  const { t, home } = desk('login', ['login']);
  await t.waitFor(/login name:/);
  t.enter('erin');
  await t.waitFor(/password:/);
  t.enter(PASSWORD);
  await t.waitFor(/authenticator code:/);
  t.enter(totp(0));
  const screen = await t.waitFor(/signed in as erin \(AAL2\)/);
  assert.doesNotMatch(screen, new RegExp(PASSWORD));
  assert.equal(statSync(join(home, 'session.json')).mode & 0o777, 0o600);
  assert.equal(statSync(home).mode & 0o777, 0o700);

  const live = desk('blotter', [], { PORTCULLIS_DESK_HOME: home }).t;
  await live.waitFor(/POSITIONS[\s\S]*AAPL[\s\S]*OPEN ORDERS/);
  const quote = server.services.trading.feed.getQuote('FEDCUT-27MAR')!;
  const tick = server.services.trading.catalogue.get('FEDCUT-27MAR')!.tickSize;
  const price = quote.bid.sub(tick.mul(Decimal.from(5))).toString();
  live.enter(`buy 7 FEDCUT-27MAR limit ${price} gtc`);
  const placed = await live.waitFor(/order (ord_[A-Za-z0-9_-]{22}) (\w+)/);
  const orderId = /order (ord_[A-Za-z0-9_-]{22})/.exec(placed)![1]!;
  await live.waitFor(new RegExp(`${orderId}\\s+buy\\s+7\\s+FEDCUT-27MAR`));
  live.enter(`cancel ${orderId}`);
  await live.waitFor(new RegExp(`order ${orderId} cancelled`));
  const after = await live.waitFor(/OPEN ORDERS/);
  const openOrders = after.split('OPEN ORDERS')[1]!.split('\n\n')[0]!;
  assert.doesNotMatch(openOrders, new RegExp(orderId));
  assert.match(openOrders, /RECESSION-27/);
  live.enter('quit');
  await live.waitFor(/\[exit 0\]/);
});

test('desk --json is scriptable: whoami answers one JSON line', async () => {
  const home = mkdtempSync(join(tmpdir(), 'portcullis-desk-'));
  const { t } = desk('json-login', ['login', '--user', 'erin'], { PORTCULLIS_DESK_HOME: home });
  await t.waitFor(/password:/);
  t.enter(PASSWORD);
  await t.waitFor(/authenticator code:/);
  t.enter(totp(1));
  await t.waitFor(/\[exit 0\]/);
  assert.equal((await jsonLine(home, 'json', ['whoami'])).user.loginName, 'erin');
});

test('desk keys: create (secret shown once), list and revoke an API key, scriptable with --json', async () => {
  // Its own customer, so that its authenticator codes do not meet the other tests' codes.
  const { user, secret } = await customerWithTotp(server, 'fern');
  const home = mkdtempSync(join(tmpdir(), 'portcullis-desk-'));
  const { t } = desk('keys-login', ['login', '--user', 'fern'], { PORTCULLIS_DESK_HOME: home });
  await t.waitFor(/password:/);
  t.enter(PASSWORD);
  await t.waitFor(/authenticator code:/);
  t.enter(totpAt(secret));
  await t.waitFor(/\[exit 0\]/);
  const created = await jsonLine(home, 'keys-create', ['keys', 'create', 'desk-bot', 'trade,orders:read']);
  assert.match(created.secret, /^pcs_/);
  assert.deepEqual(created.key.scopes, ['orders:read', 'trade']);
  const listed = await jsonLine(home, 'keys-list', ['keys', 'list']);
  assert.deepEqual(
    listed.map((k: { id: string; status: string }) => [k.id, k.status]),
    [[created.key.id, 'active']],
  );
  assert.ok(!JSON.stringify(listed).includes(created.secret), 'the secret is shown once');
  assert.deepEqual(await jsonLine(home, 'keys-revoke', ['keys', 'revoke', created.key.id]), {
    revoked: created.key.id,
  });
  const after = await server.services.credentials.apiKeys.list(user.id);
  assert.equal(after.find((k) => k.id === created.key.id)?.status, 'revoked');
});

/** A phone enrolled for the user and signed in with its device key, as the mobile app would be. */
async function phoneFor(userId: string, loginName: string) {
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${server.origin}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const phone = await SoftDevice.create({ algorithm: 'P-256' });
  const keyId = deviceIdFromPublicKey(phone.publicKeyPem);
  const enrolment = await server.services.authn.devices.createEnrollment(userId, 'mobile', {
    interface: 'portal',
  });
  await api('POST', `/factors/mobile/enrollments/${enrolment.id}/confirm`, {
    code: enrolment.code,
    publicKey: phone.publicKeyPem,
    name: 'phone',
    keyRequiresUserVerification: true,
    proof: await phone.proveDevice({ challenge: enrolment.code, deviceId: keyId, timestamp: Date.now() }),
  });
  const flow = await api('POST', '/login/flows', { interface: 'mobile', device: keyId });
  const pw = await api('POST', `/login/flows/${flow.id}/password`, {
    identifier: loginName,
    password: PASSWORD,
  });
  const challenge = pw.flow.deviceChallenge.challenge as string;
  const signedIn = await api(
    'POST',
    `/login/flows/${flow.id}/device-proof`,
    await phone.proveDevice({ challenge, deviceId: keyId, timestamp: Date.now() }),
  );
  const token = signedIn.session.token as string;
  return {
    /** Picks `number` on the pending request and signs the decision with the device key. */
    approve: async (number: number) => {
      const { pending } = await api('GET', '/push/pending', undefined, token);
      const [request] = pending as { challengeId: string; choices: number[] }[];
      const { challengeId, ...decision } = await phone.decide(request!, 'approve', number);
      return api('POST', `/push/${challengeId}/decision`, decision, token);
    },
  };
}

test('desk signs in by push: it shows the number and waits until the phone approves it', async () => {
  const user = await server.services.identity.createUser({
    loginName: 'gus',
    email: 'gus@example.com',
    displayName: 'Gus',
    password: PASSWORD,
  });
  const phone = await phoneFor(user.id, 'gus');
  const { t } = desk('push-login', ['login', '--user', 'gus']);
  await t.waitFor(/password:/);
  t.enter(PASSWORD);
  // The phone is the only second factor usable from a terminal, so the desk sends the push at once.
  const screen = await t.waitFor(/Pick (\d+) there\. Waiting…/);
  const number = Number(/Pick (\d+) there/.exec(screen)![1]);
  assert.equal((await phone.approve(number)).status, 'approved');
  await t.waitFor(/signed in as gus \(AAL2\)/);
});

test('a computer clock five minutes behind is named, and the device proof is refused with CLOCK_SKEW', async () => {
  const enrolment = await server.services.authn.devices.createEnrollment(userId, 'desktop', {
    interface: 'portal',
  });
  const home = mkdtempSync(join(tmpdir(), 'portcullis-desk-'));
  const e = desk('enrol', ['enrol', `${enrolment.id}.${enrolment.code}`], { PORTCULLIS_DESK_HOME: home }).t;
  await e.waitFor(/this installation is enrolled as device dev_/);
  assert.equal(statSync(join(home, 'device.json')).mode & 0o777, 0o600);

  const { t } = desk('skew', ['login', '--user', 'erin'], {
    PORTCULLIS_DESK_HOME: home,
    PORTCULLIS_DESK_CLOCK_OFFSET_MS: '-300000',
  });
  await t.waitFor(/password:/);
  t.enter(PASSWORD);
  const screen = await t.waitFor(/\[exit \d+\]/);
  assert.match(screen, /clock is (4 min 59 s|5 min 0 s|5 min 1 s) behind the server/);
  assert.match(screen, /CLOCK_SKEW/);
});
