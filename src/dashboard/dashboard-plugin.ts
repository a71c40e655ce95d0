import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  answerUnroutableDashboardRequest,
  type DashboardDeps,
  dashboardRoutes,
  isDashboardUrl,
} from './dashboard-routes.js';

/** The dashboard door: `/dashboard` and everything under it, in HTML for people. */
export interface DashboardDoor {
  register(app: FastifyInstance): void;
  /** Whether a raw request URL is this door's. */
  owns(url: string): boolean;
  /** The page for an address Fastify cannot route at all (`/dashboard/%zz`). */
  answerUnroutable(request: FastifyRequest, reply: FastifyReply): void;
}

/** The dashboard as one plugin of the server (main/create-app.ts mounts it beside the API). */
export function dashboardDoor(deps: DashboardDeps): DashboardDoor {
  return {
    register: (app) => dashboardRoutes(app, deps),
    owns: isDashboardUrl,
    answerUnroutable: answerUnroutableDashboardRequest,
  };
}
