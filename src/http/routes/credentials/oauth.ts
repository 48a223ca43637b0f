import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../container.ts';
import { OAUTH_PREFIX } from '../../../credentials/oauth/provider.ts';
import { isScope, SCOPE_CATALOGUE, type Scope } from '../../../credentials/scopes.ts';
import type { SessionPrincipal } from '../../../policy/principal.ts';
import { SessionService } from '../../../sessions/index.ts';
import { safeEqual } from '../../../store/ids.ts';
import { SESSION_COOKIE } from '../../plugins/auth.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`,
    );
}

/** The person behind the portal cookie, or null (they must sign in through the portal first). */
async function portalSession(
  services: Services,
  req: FastifyRequest,
): Promise<{ p: SessionPrincipal; token: string } | null> {
  const token = req.cookies[SESSION_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  try {
    return { p: await services.sessions.authenticate(token, 'cookie'), token };
  } catch {
    return null;
  }
}

/** The assurance level an app asked for with acr_values (aal1..aal3) or max_age; the session must meet it. */
function requiredAal(params: Record<string, unknown>): number {
  const acr = String(params['acr_values'] ?? '');
  const levels = acr
    .split(' ')
    .map((v) => /^aal([123])$/.exec(v)?.[1])
    .filter(Boolean)
    .map(Number);
  return levels.length > 0 ? Math.min(...levels) : 1;
}

/**
 * oidc-provider under /oauth, and the interaction pages where a person signs in
 * (with their Portcullis portal session) and consents, scope by scope and
 * account by account, in plain words.
 */
export function oauthRoutes(services: Services) {
  const { provider } = services.credentials.oauth;
  const callback = provider.callback();
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (raw) => {
      // The provider reads the raw request itself: leave bodies unread.
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', (_req, _payload, done) => done(null));
      raw.all(`${OAUTH_PREFIX}/*`, { schema: { hide: true } }, (req, reply) => {
        reply.hijack();
        const r = req.raw as typeof req.raw & { originalUrl?: string };
        r.originalUrl = r.url;
        r.url = r.url!.slice(OAUTH_PREFIX.length) || '/';
        callback(r, reply.raw);
      });
    });

    await app.register(async (ui) => {
      ui.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_req, body, done) =>
          done(null, {
            ...Object.fromEntries(new URLSearchParams(String(body))),
            accounts: new URLSearchParams(String(body)).getAll('account'),
          }),
      );

      ui.get(`${OAUTH_PREFIX}/interaction/:uid`, { schema: { hide: true } }, async (req, reply) => {
        const details = await provider.interactionDetails(req.raw, reply.raw);
        const session = await portalSession(services, req);
        if (!session) {
          return page(
            reply,
            401,
            'Sign in to Portcullis',
            '<p>Sign in to the Client Portal in this browser, then reload this page.</p>',
          );
        }
        const need = requiredAal(details.params);
        if (session.p.aal < need) {
          return page(
            reply,
            403,
            'Stronger sign-in needed',
            `<p>This app asks for assurance level ${need}. Sign in again with your second factor, then reload.</p>`,
          );
        }
        if (details.prompt.name === 'login') {
          reply.hijack();
          await provider.interactionFinished(
            req.raw,
            reply.raw,
            {
              login: {
                accountId: session.p.userId,
                acr: `aal${session.p.aal}`,
                amr: session.p.factors.map((f) => f.method),
                ts: Math.floor(session.p.createdAt / 1000),
              },
            },
            { mergeWithLastSubmission: false },
          );
          return reply;
        }
        const client = await provider.Client.find(String(details.params['client_id']));
        const scopes = String(details.params['scope'] ?? '')
          .split(' ')
          .filter(isScope);
        const accounts = (await services.trading.accounts.listFor(session.p)).map((a) => a.account);
        const items = scopes
          .map(
            (s: Scope) =>
              `<li><strong>${esc(SCOPE_CATALOGUE[s].title)}</strong>: ${esc(SCOPE_CATALOGUE[s].description)}</li>`,
          )
          .join('');
        const boxes = accounts
          .map(
            (a) =>
              `<label><input type="checkbox" name="account" value="${esc(a.id)}" checked> ${esc(a.name)} (${esc(a.id)})</label><br>`,
          )
          .join('');
        return page(
          reply,
          200,
          `Connect ${client?.clientName ?? client?.clientId ?? 'an app'}`,
          `<p>The app asks to:</p><ul>${items || '<li>Know who you are</li>'}</ul>
<p>It can never withdraw money, add payees, change your security settings or create keys.</p>
<form method="post" action="${OAUTH_PREFIX}/interaction/${esc(details.uid)}/confirm"><p>For these accounts:</p>${boxes}
<input type="hidden" name="csrf" value="${SessionService.csrfTokenFor(session.token)}"><button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny">Deny</button></form>`,
        );
      });

      ui.post(`${OAUTH_PREFIX}/interaction/:uid/confirm`, { schema: { hide: true } }, async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, string> & { accounts?: string[] };
        const session = await portalSession(services, req);
        if (
          !session ||
          typeof body['csrf'] !== 'string' ||
          !safeEqual(body['csrf'], SessionService.csrfTokenFor(session.token))
        ) {
          return page(reply, 403, 'Not allowed', '<p>Reload the page and try again.</p>');
        }
        const details = await provider.interactionDetails(req.raw, reply.raw);
        reply.hijack();
        if (body['decision'] !== 'allow') {
          await provider.interactionFinished(
            req.raw,
            reply.raw,
            { error: 'access_denied', error_description: 'the user denied the request' },
            { mergeWithLastSubmission: false },
          );
          return reply;
        }
        const grantId = await saveGrant(services, details, session.p, body.accounts ?? []);
        await provider.interactionFinished(
          req.raw,
          reply.raw,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
        return reply;
      });
    });
  };
}

async function saveGrant(
  services: Services,
  details: Awaited<ReturnType<Services['credentials']['oauth']['provider']['interactionDetails']>>,
  p: SessionPrincipal,
  accounts: string[],
): Promise<string> {
  const { provider, consents } = services.credentials.oauth;
  const clientId = String(details.params['client_id']);
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: p.userId, clientId });
  const missing = (details.prompt.details['missingOIDCScope'] as string[] | undefined) ?? [];
  if (missing.length > 0) grant!.addOIDCScope(missing.join(' '));
  const grantId = await grant!.save();
  const owned = new Set((await services.trading.accounts.listFor(p)).map((a) => a.account.id));
  const covered = accounts.filter((a) => owned.has(a));
  await consents.upsert(
    grantId,
    { accounts: covered, uid: p.userId, clientId, scopes: missing, createdAt: services.now() },
    14 * 86400,
  );
  await services.audit.record({
    actorUserId: p.userId,
    sessionId: p.sessionId,
    interface: p.interface,
    name: 'oauth_grant.created',
    outcome: 'success',
    subjectUserId: p.userId,
    data: { clientId, scopes: missing.join(' '), accounts: accounts.join(' ') },
  });
  return grantId;
}
