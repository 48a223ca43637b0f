import { get, post, setCsrf } from '../shared/api.ts';

export interface Flow {
  id: string;
  interface: string;
  purpose?: string;
  state: string;
  expiresAt: string;
  methods: string[];
}
export interface Completion {
  flow: Flow;
  session?: { id: string; expiresAt: string; aal: number; csrfToken?: string };
}
export interface PushStart {
  challengeId: string;
  number: number;
  expiresAt: string;
}

/** The second-factor methods a person can pick, in the order they are offered. */
export const FACTOR_METHODS = ['webauthn', 'push', 'totp', 'sms', 'recovery_code'] as const;
export type FactorMethod = (typeof FACTOR_METHODS)[number];

export const METHOD_LABEL: Record<FactorMethod, string> = {
  webauthn: 'Security key or passkey',
  push: 'Approve on my phone',
  totp: 'Authenticator app code',
  sms: 'Text message code',
  recovery_code: 'Recovery code',
};

export function offered(flow: Flow): FactorMethod[] {
  return FACTOR_METHODS.filter((m) => flow.methods.includes(m));
}

export async function startFlow(purpose?: { action: string }): Promise<Flow> {
  return post<Flow>(
    '/login/flows',
    purpose ? { interface: 'portal', purpose: 'step_up', action: purpose.action } : { interface: 'portal' },
  );
}

export function complete(c: Completion): Completion {
  if (c.session?.csrfToken) setCsrf(c.session.csrfToken);
  return c;
}

export const submit = {
  password: (id: string, identifier: string, password: string) =>
    post<Completion>(`/login/flows/${id}/password`, { identifier, password }).then(complete),
  totp: (id: string, code: string) => post<Completion>(`/login/flows/${id}/totp`, { code }).then(complete),
  recovery: (id: string, code: string) =>
    post<Completion>(`/login/flows/${id}/recovery-code`, { code }).then(complete),
  smsSend: (id: string) => post<unknown>(`/login/flows/${id}/sms/send`, {}),
  sms: (id: string, code: string) => post<Completion>(`/login/flows/${id}/sms`, { code }).then(complete),
  webauthnOptions: (id: string) => post<Record<string, unknown>>(`/login/flows/${id}/webauthn/options`, {}),
  webauthn: (id: string, response: unknown) =>
    post<Completion>(`/login/flows/${id}/webauthn`, { response }).then(complete),
  push: (id: string) => post<PushStart>(`/login/flows/${id}/push`, {}),
  /** Long-poll: the server answers when the state changes or after `wait` seconds. */
  wait: (id: string, seconds = 25) => get<Flow | Completion>(`/login/flows/${id}?wait=${seconds}`),
};

export function flowOf(x: Flow | Completion): Flow {
  return 'flow' in x ? x.flow : x;
}
