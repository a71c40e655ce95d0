import type { FastifyInstance, FastifyRequest } from 'fastify';
import { holdsUnstorableText } from '../domain/storable-text.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { NO_SUCH_PAGE, sendPage } from './dashboard-replies.js';
import { html } from './html.js';
import { errorPage, storeUnavailablePage, unexpectedErrorPage } from './pages/error-page.js';
import { signInPage } from './pages/sign-in-page.js';
import { sessionCookie, sessionToken } from './session-cookie.js';
import { ViewParamError } from './view-params.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A dashboard route anyone may call: the sign-in pages and the static files. */
    dashboardPublic?: boolean;
  }
}

/**
 * No inline script or style at all; the pages cannot be framed, and links leave no Referer (a sign-in link's
 * token is in the address of the page that has it).
 */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** Routes the session check lets through without a session, or not. */
export const OPEN_ROUTE = { config: { authentication: 'elsewhere' as const, dashboardPublic: true } };
export const SIGNED_IN_ROUTE = { config: { authentication: 'elsewhere' as const } };

/** A dashboard form is a few short fields: its body, in any content type, is at most this. */
export const FORM_BODY_LIMIT = 4096;

/**
 * What every dashboard route shares in its scope: the form body parser the API does not accept, the security
 * headers, the session check (its own instead of the API's JWT: the routes say `authentication: 'elsewhere'`,
 * which the API's access control passes by), and error pages in HTML instead of Apple's ErrorResponse.
 */
export function registerDashboardScope(scope: FastifyInstance, deps: DashboardDeps): void {
  const sessions = deps.services.dashboardSessions;
  const signedIn = new WeakSet<FastifyRequest>();
  const secure = (request: FastifyRequest) => deps.baseUrl(request).startsWith('https:');

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  scope.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.dashboardPublic === true) return;
    const token = sessionToken(request);
    if (token !== undefined && (await sessions.isSignedIn(token))) {
      signedIn.add(request);
      // `/dashboard/apps/%00`: no app or tester has such an id (PostgreSQL would fail on the lookup).
      if (holdsUnstorableText(request.params)) {
        sendPage(reply, 404, errorPage('No such page', NO_SUCH_PAGE, true));
        return reply;
      }
      return;
    }
    if (token !== undefined) reply.header('set-cookie', sessionCookie('', 0, secure(request)));
    sendPage(reply, 401, signInPage(token === undefined ? 'none' : 'ended'));
    return reply;
  });

  scope.setErrorHandler((error, request, reply) => {
    const isSignedIn = signedIn.has(request);
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ cause: error.cause }, 'the database cannot serve now: answered 503');
      return sendPage(reply, 503, storeUnavailablePage(isSignedIn));
    }
    if (error instanceof ViewParamError)
      return sendPage(
        reply,
        400,
        errorPage('This address asks for something odd', html`<p>${error.message}</p>`, isSignedIn),
      );
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      request.log.info({ code: (error as { code?: string }).code }, 'request refused by the HTTP layer');
      return sendPage(
        reply,
        status,
        errorPage('This request cannot be read', html`<p>Go back and try again.</p>`, isSignedIn),
      );
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendPage(reply, 500, unexpectedErrorPage(request.id, isSignedIn));
  });
}
