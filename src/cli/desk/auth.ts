import { hostname } from 'node:os';
import { DeskApiError, type DeskClient, deviceProof } from './client.ts';
import type { Prompter } from './prompt.ts';
import { type DeskStore, newInstallationKey } from './store.ts';

interface FlowView {
  id: string;
  state: string;
  methods: string[];
  deviceChallenge?: { challenge: string };
  push?: { challengeId: string; number: number; expiresAt: string };
}
interface Completion {
  flow: FlowView;
  session?: { token?: string; expiresAt: string; aal: number };
}
type Say = (line: string) => void;

/** Enrols this installation with the code the portal shows (Security centre → desktop): an Ed25519 key proved over the code. */
export async function enrolInstallation(
  client: DeskClient,
  store: DeskStore,
  code: string,
  name = `desk on ${hostname()}`,
) {
  const [id = '', secret = ''] = code.trim().split('.');
  const key = newInstallationKey();
  const timestamp = client.now();
  const done = await client.post<{ deviceId: string; keyId: string }>(
    `/factors/desktop/enrollments/${id}/confirm`,
    {
      code: secret,
      publicKey: key.publicKeyPem,
      name: name.slice(0, 64),
      proof: {
        deviceId: key.keyId,
        timestamp,
        signature: deviceProof(key.privateKeyPem, secret, timestamp, key.keyId),
      },
    },
  );
  store.saveDevice({
    server: client.server,
    deviceId: done.deviceId,
    ...key,
    enrolledAt: new Date().toISOString(),
  });
  return done;
}

/**
 * Password → device proof (when this installation is enrolled) → second factor
 * (a code typed here, or a push approved on the phone while the desk waits).
 */
export async function signIn(
  client: DeskClient,
  store: DeskStore,
  prompt: Prompter,
  say: Say,
  loginName: string,
  password: string,
) {
  const device = store.device();
  let flow = await client.post<FlowView>('/login/flows', {
    interface: 'desktop',
    ...(device ? { device: device.keyId } : {}),
  });
  let answer = await client.post<Completion>(`/login/flows/${flow.id}/password`, {
    identifier: loginName,
    password,
  });
  for (let step = 0; step < 6 && !answer.session?.token; step++) {
    flow = answer.flow;
    const warning = client.skewWarning();
    if (warning) say(warning);
    if (flow.state === 'device_validation' && flow.deviceChallenge && device) {
      const timestamp = client.now();
      answer = await client.post<Completion>(`/login/flows/${flow.id}/device-proof`, {
        deviceId: device.keyId,
        timestamp,
        signature: deviceProof(device.privateKeyPem, flow.deviceChallenge.challenge, timestamp, device.keyId),
      });
    } else if (flow.state === 'second_factor' || flow.state === 'push_pending') {
      answer = await secondFactor(client, prompt, say, flow);
    } else {
      throw new DeskApiError(409, 'FLOW_STATE_INVALID', `The sign-in stopped in state ${flow.state}.`);
    }
  }
  const session = answer.session;
  if (!session?.token) throw new DeskApiError(401, 'UNAUTHENTICATED', 'The sign-in did not complete.');
  store.saveSession({ server: client.server, token: session.token, expiresAt: session.expiresAt, loginName });
  client.token = session.token;
  return session;
}

/** Runs `call`; on STEP_UP_REQUIRED confirms with a second factor through a step-up flow, then retries once. */
export async function withStepUp<T>(
  client: DeskClient,
  prompt: Prompter,
  say: Say,
  action: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof DeskApiError) || err.code !== 'STEP_UP_REQUIRED') throw err;
    say(`${err.message} — confirm it is you.`);
    let answer: Completion = {
      flow: await client.post<FlowView>('/login/flows', { interface: 'desktop', purpose: 'step_up', action }),
    };
    for (let step = 0; step < 4 && answer.flow.state !== 'complete'; step++)
      answer = await secondFactor(client, prompt, say, answer.flow);
    if (answer.flow.state !== 'complete') throw err;
    return call();
  }
}

async function secondFactor(
  client: DeskClient,
  prompt: Prompter,
  say: Say,
  flow: FlowView,
): Promise<Completion> {
  const methods = flow.methods.filter((m) => ['totp', 'push', 'recovery_code'].includes(m));
  if (!methods.length)
    throw new DeskApiError(
      409,
      'FACTOR_NOT_AVAILABLE',
      'No second factor usable from a terminal is enrolled.',
    );
  const choice =
    methods.length === 1
      ? methods[0]!
      : (await prompt.ask(`second factor (${methods.join(', ')}) [${methods[0]}]: `)).trim() || methods[0]!;
  if (choice === 'push') {
    const push = await client.post<{ number: number }>(`/login/flows/${flow.id}/push`, {});
    say(`A request was sent to your phone. Pick ${push.number} there. Waiting…`);
    for (;;) {
      const now = await client.get<FlowView & { session?: Completion['session'] }>(
        `/login/flows/${flow.id}?wait=25`,
      );
      if (now.state !== 'push_pending')
        return { flow: now, ...(now.session ? { session: now.session } : {}) };
    }
  }
  const code = await prompt.ask(choice === 'totp' ? 'authenticator code: ' : 'recovery code: ');
  const path = choice === 'totp' ? 'totp' : 'recovery-code';
  return client.post<Completion>(`/login/flows/${flow.id}/${path}`, { code: code.trim() });
}
