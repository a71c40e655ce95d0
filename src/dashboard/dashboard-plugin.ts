import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_PATH } from '../services/dashboard-sessions.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { CSP, registerDashboardScope } from './dashboard-scope.js';
import { html } from './html.js';
import { errorPage } from './pages/error-page.js';
import { feedbackRoutes } from './feedback-routes.js';
import { groupActionRoutes } from './group-action-routes.js';
import { pageRoutes } from './page-routes.js';
import { signInRoutes } from './sign-in-routes.js';

/** The dashboard door: `/dashboard` and everything under it, in HTML for people. */
export interface DashboardDoor {
  register(app: FastifyInstance): void;
  /** Whether a raw request URL is this door's. */
  owns(url: string): boolean;
  /** The page for an address Fastify cannot route at all (`/dashboard/%zz`). */
  answerUnroutable(request: FastifyRequest, reply: FastifyReply): void;
}

/**
 * The dashboard as one plugin of the server (main/create-app.ts mounts it beside the API), in its own Fastify
 * scope under /dashboard: the scope's hooks (dashboard-scope.ts), the sign-in routes, the pages, the changes
 * made on a group's page, and an app's feedback inbox with its crash logs.
 */
export function dashboardDoor(deps: DashboardDeps): DashboardDoor {
  return {
    register(app) {
      void app.register(
        async (scope) => {
          registerDashboardScope(scope, deps);
          signInRoutes(scope, deps);
          pageRoutes(scope, deps);
          groupActionRoutes(scope, deps);
          feedbackRoutes(scope, deps);
        },
        { prefix: DASHBOARD_PATH },
      );
    },
    owns: isDashboardUrl,
    answerUnroutable: answerUnroutableDashboardRequest,
  };
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
