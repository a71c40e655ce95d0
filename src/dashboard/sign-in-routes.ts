import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DASHBOARD_PATH, SESSION_TTL_MS } from '../services/dashboard-sessions.js';
import { findAsset } from './assets/assets.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { crossSite, sendPage } from './dashboard-replies.js';
import { OPEN_ROUTE as open } from './dashboard-scope.js';
import { loginFormPage, signInPage } from './pages/sign-in-page.js';
import { fromSameOrigin, sessionCookie, sessionToken } from './session-cookie.js';

/** Signing in with a one-time link and out, and the static files: the routes anyone may call. */
export function signInRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  const sessions = deps.services.dashboardSessions;
  const secure = (request: FastifyRequest) => deps.baseUrl(request).startsWith('https:');

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
    return reply.header('set-cookie', sessionCookie('', 0, secure(request))).redirect(DASHBOARD_PATH, 303);
  });

  scope.get('/assets/:name', open, async (request, reply) => {
    const asset = findAsset((request.params as { name: string }).name);
    if (asset === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('No such file');
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(asset.contentType)
      .send(asset.body);
  });
}
