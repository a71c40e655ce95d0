import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardDeps } from './dashboard-deps.js';
import { NO_SUCH_PAGE, noSuchApp, noSuchGroup, sendPage } from './dashboard-replies.js';
import { SIGNED_IN_ROUTE as authed } from './dashboard-scope.js';
import { html } from './html.js';
import { appPage } from './pages/app-page.js';
import { appsPage } from './pages/apps-page.js';
import { errorPage } from './pages/error-page.js';
import { buildsPage } from './pages/builds-page.js';
import { groupPage } from './pages/group-page.js';
import { groupsPage } from './pages/groups-page.js';
import { testerPage } from './pages/tester-page.js';
import { appTesters, groupTesters, testerTable } from './tester-table.js';
import {
  type AppView,
  appHref,
  DEFAULT_VIEW,
  groupHref,
  parseAppView,
  parsePeriodOnly,
} from './view-params.js';

/** The pages of a signed-in person: the apps, an app with its tester table, a tester, its builds and groups. */
export function pageRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
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
    if (request.headers['sec-fetch-mode'] === 'navigate') return reply.redirect(appHref(appId, view), 303);
    const table = await deps.services.dashboard.testerTable(appId, view.period, view);
    if (table === undefined) return noSuchApp(reply, appId);
    return sendPage(reply, 200, testerTable(appTesters(appId), view, table));
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

  scope.get('/apps/:appId/builds', authed, async (request, reply) => {
    const { appId } = request.params as { appId: string };
    const period = parsePeriodOnly(request.query);
    const detail = await deps.services.dashboard.builds(appId, period);
    if (detail === undefined) return noSuchApp(reply, appId);
    return sendPage(reply, 200, buildsPage(detail, period));
  });

  scope.get('/apps/:appId/groups', authed, async (request, reply) => {
    const { appId } = request.params as { appId: string };
    const period = parsePeriodOnly(request.query);
    const detail = await deps.services.dashboard.groups(appId);
    if (detail === undefined) return noSuchApp(reply, appId);
    return sendPage(reply, 200, groupsPage(detail, period));
  });

  scope.get('/apps/:appId/groups/:groupId', authed, async (request, reply) => {
    const { appId, groupId } = request.params as { appId: string; groupId: string };
    const view = parseAppView(request.query);
    const detail = await deps.services.dashboard.group(appId, groupId, view.period, view);
    if (detail === undefined) return noSuchGroup(reply, appId, groupId, view);
    return sendPage(reply, 200, groupPage(detail, view));
  });

  scope.get('/apps/:appId/groups/:groupId/testers', authed, async (request, reply) => {
    const { appId, groupId } = request.params as { appId: string; groupId: string };
    const view = parseAppView(request.query);
    // Opened as a page (a bookmark of the script's address), it is the group's page.
    if (request.headers['sec-fetch-mode'] === 'navigate')
      return reply.redirect(groupHref(appId, groupId, view), 303);
    const detail = await deps.services.dashboard.group(appId, groupId, view.period, view);
    if (detail === undefined) return noSuchGroup(reply, appId, groupId, view);
    return sendPage(reply, 200, testerTable(groupTesters(appId, groupId), view, detail.table));
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
}
