export const INTERFACES = ['portal', 'mobile', 'desktop'] as const;
export type Interface = (typeof INTERFACES)[number];

export interface SessionPolicy {
  /** Inactivity after which the session ends; sliding. */
  idleMs: number;
  /** Lifetime from sign-in; never extended. */
  absoluteMs: number;
  /** How the token travels: the portal in a cookie, the apps as a bearer token. */
  transport: 'cookie' | 'bearer';
}

export type SessionPolicies = Record<Interface, SessionPolicy>;

export function sessionPolicies(cfg: {
  portalIdleSeconds: number;
  portalAbsoluteSeconds: number;
  mobileIdleSeconds: number;
  mobileAbsoluteSeconds: number;
  desktopIdleSeconds: number;
  desktopAbsoluteSeconds: number;
}): SessionPolicies {
  return {
    portal: {
      idleMs: cfg.portalIdleSeconds * 1000,
      absoluteMs: cfg.portalAbsoluteSeconds * 1000,
      transport: 'cookie',
    },
    mobile: {
      idleMs: cfg.mobileIdleSeconds * 1000,
      absoluteMs: cfg.mobileAbsoluteSeconds * 1000,
      transport: 'bearer',
    },
    desktop: {
      idleMs: cfg.desktopIdleSeconds * 1000,
      absoluteMs: cfg.desktopAbsoluteSeconds * 1000,
      transport: 'bearer',
    },
  };
}

export function isInterface(value: string): value is Interface {
  return (INTERFACES as readonly string[]).includes(value);
}
