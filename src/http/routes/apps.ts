import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { Services } from '../../services/services.js';
import type { AppRecord } from '../../domain/records/app.js';
import { appsCursorScope } from '../cursor-scopes.js';
import { linkTo, pagedLinks, type PublicBaseUrl } from '../links.js';
import { type AppField, parseAppQuery, parseAppsQuery } from '../params/resource-queries.js';
import { queryPairs } from '../query-string.js';
import { type App, AppResponse, AppsResponse } from '../schemas/resources.js';
import { apiRoute } from './api-route.js';
import { sparseAttributes } from './sparse-attributes.js';

export interface AppsRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
}

/** GET /v1/apps — Apple's operationId `apps_getCollection`. Every role may list apps. */
export function appsGetCollection(deps: AppsRouteDeps) {
  return async (request: FastifyRequest) => {
    const query = parseAppsQuery(queryPairs(request));
    const page = await deps.services.apps.list({
      ids: query.ids,
      bundleIds: query.bundleIds,
      limit: query.limit,
      after: query.cursor,
      scope: appsCursorScope(query),
    });
    const base = deps.baseUrl(request);
    return {
      data: page.rows.map((app) => appResource(base, app, query.fields)),
      links: pagedLinks(base, '/v1/apps', query.echo, page.next),
      meta: { paging: { total: page.total, limit: query.limit } },
    };
  };
}

/** GET /v1/apps/{id} — Apple's operationId `apps_getInstance`. */
export function appsGetInstance(deps: AppsRouteDeps) {
  return async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const app = await deps.services.apps.find(request.params.id);
    if (app === undefined) throw resourceNotFound('apps', request.params.id);
    const query = parseAppQuery(queryPairs(request));
    const base = deps.baseUrl(request);
    const resource = appResource(base, app, query.fields);
    return {
      data: resource,
      links: { self: linkTo(base, `/v1/apps/${encodeURIComponent(app.id)}`, query.echo) },
    };
  };
}

export function appRoutes(app: FastifyInstance, deps: AppsRouteDeps): void {
  apiRoute(app, 'apps_getCollection', '/v1/apps', AppsResponse, appsGetCollection(deps));
  apiRoute(app, 'apps_getInstance', '/v1/apps/:id', AppResponse, appsGetInstance(deps));
}

function appResource(base: string, app: AppRecord, fields: readonly AppField[] | undefined): App {
  return {
    type: 'apps',
    id: app.id,
    attributes: sparseAttributes(
      { name: app.name, bundleId: app.bundleId, sku: app.sku, primaryLocale: app.primaryLocale },
      fields,
    ),
    links: { self: `${base}/v1/apps/${encodeURIComponent(app.id)}` },
  };
}
