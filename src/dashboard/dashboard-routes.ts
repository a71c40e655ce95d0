import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { holdsUnstorableText } from '../domain/storable-text.js';
import { DASHBOARD_PATH, SESSION_TTL_MS } from '../services/dashboard-sessions.js';
import type { Services } from '../services/services.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { findAsset } from './assets/assets.js';
import { type Html, html } from './html.js';
import { appPage } from './pages/app-page.js';
import { appsPage } from './pages/apps-page.js';
import { errorPage, storeUnavailablePage, unexpectedErrorPage } from './pages/error-page.js';
import { loginFormPage, signInPage } from './pages/sign-in-page.js';
import { testerPage } from './pages/tester-page.js';
import { fromSameOrigin, SESSION_COOKIE, sessionCookie, sessionToken } from './session-cookie.js';
import { testerTable } from './tester-table.js';
import {
  type AppView,
  appHref,
  DEFAULT_VIEW,
  parseAppView,
  parsePeriodOnly,
  ViewParamError,
} from './view-params.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A dashboard route anyone may call: the sign-in pages and the static files. */
    dashboardPublic?: boolean;
  }
}

export interface DashboardDeps {
  readonly services: Services;
  /** The server's public base URL for a request (links, the Secure cookie flag, the same-origin check). */
  readonly baseUrl: (request: FastifyRequest) => string;
}

/**
 * No inline script or style at all; the pages cannot be framed, and links leave no Referer (a sign-in link's
 * token is in the address of the page that has it).
 */
const NO_SUCH_PAGE = html`<p>The dashboard has no page at this address.</p>`;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/**
 * The web dashboard at /dashboard, in its own Fastify scope: its own session check instead of the
 * API's JWT (the routes say `authentication: 'elsewhere'`, which the API's access control passes by), its
 * own error pages in HTML instead of Apple's ErrorResponse, and a form body parser the API does not accept.
 */
export function dashboardRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  void app.register(
    async (scope) => {
      const sessions = deps.services.dashboardSessions;
      const signedIn = new WeakSet<FastifyRequest>();
      const secure = (request: FastifyRequest) => deps.baseUrl(request).startsWith('https:');
      const authed = { config: { authentication: 'elsewhere' as const } };
      const open = { config: { authentication: 'elsewhere' as const, dashboardPublic: true } };

      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
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

      scope.get('/login', open, async (request, reply) => {
        const token = (request.query as { token?: unknown }).token;
        if (typeof token !== 'string' || token === '') return sendPage(reply, 401, signInPage('none'));
        return sendPage(reply, 200, loginFormPage(token));
      });

      scope.post('/login', open, async (request, reply) => {
        if (!fromSameOrigin(request, deps.baseUrl(request))) return crossSite(reply);
        const token = (request.body as { token?: unknown } | undefined)?.token;
        const session = typeof token === 'string' ? await sessions.signIn(token) : undefined;
        if (session === undefined) return sendPage(reply, 401, signInPage('spent'));
        request.log.info('dashboard: signed in');
        return reply
          .header('set-cookie', sessionCookie(session.token, SESSION_TTL_MS / 1000, secure(request)))
          .redirect(DASHBOARD_PATH, 303);
      });

      scope.post('/logout', open, async (request, reply) => {
        if (!fromSameOrigin(request, deps.baseUrl(request))) return crossSite(reply);
        const token = sessionToken(request);
        if (token !== undefined) await sessions.signOut(token);
        return reply
          .header('set-cookie', sessionCookie('', 0, secure(request)))
          .redirect(DASHBOARD_PATH, 303);
      });

      scope.get('/assets/:name', open, async (request, reply) => {
        const asset = findAsset((request.params as { name: string }).name);
        if (asset === undefined)
          return reply.code(404).type('text/plain; charset=utf-8').send('No such file');
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .type(asset.contentType)
          .send(asset.body);
      });

      scope.get('/', authed, async (_request, reply) => {
        const apps = await deps.services.dashboard.apps();
        return sendPage(reply, 200, appsPage(apps, deps.services.dashboard.reportDay()));
      });

      scope.get('/apps/:appId', authed, async (request, reply) => {
        const { appId } = request.params as { appId: string };
        const view = parseAppView(request.query);
        const read = await deps.services.dashboard.appPage(appId, view.period, view);
        if (read === undefined) return noSuchApp(reply, appId);
        return sendPage(reply, 200, appPage(read.summary, view, read.table));
      });

      scope.get('/apps/:appId/testers', authed, async (request, reply) => {
        const { appId } = request.params as { appId: string };
        const view = parseAppView(request.query);
        // Opened as a page (a bookmark of the script's address), it is the app page.
        if (request.headers['sec-fetch-mode'] === 'navigate')
          return reply.redirect(appHref(appId, view), 303);
        const table = await deps.services.dashboard.testerTable(appId, view.period, view);
        if (table === undefined) return noSuchApp(reply, appId);
        return sendPage(reply, 200, testerTable(appId, view, table));
      });

      scope.get('/apps/:appId/testers/:testerId', authed, async (request, reply) => {
        const { appId, testerId } = request.params as { appId: string; testerId: string };
        const view: AppView = { ...DEFAULT_VIEW, period: parsePeriodOnly(request.query) };
        const detail = await deps.services.dashboard.tester(appId, testerId, view.period);
        if (detail === undefined)
          return sendPage(
            reply,
            404,
            errorPage(
              'No such tester',
              html`<p>App ${appId} has no tester with id <code>${testerId}</code>. Pick one from
  <a href="${appHref(appId, view)}">the app's table</a>.</p>`,
              true,
            ),
          );
        return sendPage(reply, 200, testerPage(detail, view));
      });

      // Anything else under /dashboard: a page of its own, not the API's 404.
      const notFound = async (_request: FastifyRequest, reply: FastifyReply) =>
        sendPage(reply, 404, errorPage('No such page', NO_SUCH_PAGE, true));
      scope.all('/*', authed, notFound);
      scope.route({
        method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: '/',
        ...authed,
        handler: notFound,
      });
    },
    { prefix: DASHBOARD_PATH },
  );
}

function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.text);
}

function crossSite(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    403,
    errorPage(
      'Refused: not sent from the dashboard',
      html`<p>Signing in and out works from the dashboard's own pages only (this request came from another site, or
  from a program that did not say where it came from). Open the sign-in link in your browser.</p>`,
      false,
    ),
  );
}

function noSuchApp(reply: FastifyReply, appId: string): FastifyReply {
  return sendPage(
    reply,
    404,
    errorPage('No such app', html`<p>There is no app with id <code>${appId}</code>.</p>`, true),
  );
}

/** Whether a raw request URL is the dashboard's. */
export function isDashboardUrl(url: string): boolean {
  return url === DASHBOARD_PATH || /^\/dashboard[/?]/.test(url);
}

/**
 * The answer to a dashboard address Fastify cannot route at all (`/dashboard/%zz`), which no hook sees: a page,
 * with the headers the scope's hooks would have set.
 */
export function answerUnroutableDashboardRequest(request: FastifyRequest, reply: FastifyReply): void {
  reply
    .code(400)
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('x-request-id', request.id)
    .type('text/html; charset=utf-8')
    .send(
      errorPage('This address cannot be read', html`<p>Check the address and try again.</p>`, false).text,
    );
}

export { SESSION_COOKIE };
