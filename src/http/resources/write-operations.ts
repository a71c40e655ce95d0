import type { Services } from '../../services/services.js';
import { type SpecWrite, specWrites } from './spec-writes.js';
import type { ResourceBody } from './write-body.js';

/**
 * What each write operation of the slice does, by Apple's operationId: the one place where a write meets the
 * services. Everything around it (routes, the order of checks, bodies, statuses, errors, the answer's document)
 * is write-routes.ts, once for all (docs/architecture.md, "Resources"). The CLI and the dashboard call the same
 * service methods, so there is no second write path.
 */

export interface WriteContext {
  readonly services: Services;
  /** The `{id}` of the path ('' for a create). */
  readonly id: string;
  /** A resource body, read against its request schema (empty for a linkage body or none). */
  readonly body: ResourceBody;
  /** The ids of a linkage body. */
  readonly ids: readonly string[];
}

/** The resource a create or update answers with; nothing for a delete or a relationship write (204). */
export type WriteOutcome = { readonly type: string; readonly id: string } | undefined;

export type WriteOperation = (context: WriteContext) => Promise<WriteOutcome>;

const one = (body: ResourceBody, relationship: string): string | undefined =>
  body.relationships.get(relationship)?.[0];
const many = (body: ResourceBody, relationship: string): readonly string[] =>
  body.relationships.get(relationship) ?? [];

/** Attributes as the services take them: Apple's names, values as sent (the services judge them). */
type Attributes = Record<string, unknown>;

export const WRITE_OPERATIONS: Readonly<Record<string, WriteOperation>> = {
  async apps_updateInstance({ services, id, body }) {
    await services.apps.update(id, body.attributes as Attributes);
    return { type: 'apps', id };
  },

  async builds_updateInstance({ services, id, body }) {
    await services.builds.update(id, body.attributes as Attributes);
    return { type: 'builds', id };
  },

  async buildBetaDetails_updateInstance({ services, id, body }) {
    const linkage = await services.resources.readLinkage('buildBetaDetails', id, 'build');
    const buildId = linkage?.ids[0];
    if (buildId === undefined) throw new Error(`build beta detail ${id} has no build`);
    await services.builds.update(buildId, body.attributes as Attributes);
    return { type: 'buildBetaDetails', id };
  },

  async betaGroups_createInstance({ services, body }) {
    const group = await services.betaGroups.create({
      ...(body.attributes as Attributes),
      appId: one(body, 'app') ?? '',
      name: String(body.attributes.name ?? ''),
      testerIds: many(body, 'betaTesters'),
      buildIds: many(body, 'builds'),
    });
    return { type: 'betaGroups', id: group.id };
  },

  async betaGroups_updateInstance({ services, id, body }) {
    await services.betaGroups.update(id, body.attributes as Attributes);
    return { type: 'betaGroups', id };
  },

  async betaGroups_betaTesters_createToManyRelationship({ services, id, ids }) {
    await services.betaGroups.add(id, { testerIds: ids });
    return undefined;
  },

  async betaGroups_builds_createToManyRelationship({ services, id, ids }) {
    await services.betaGroups.add(id, { buildIds: ids });
    return undefined;
  },

  async builds_individualTesters_createToManyRelationship({ services, id, ids }) {
    await services.builds.addIndividualTesters(id, ids);
    return undefined;
  },
};

/** The write operations served: apiRoute answers 405 for the other methods of their paths. */
export function servedWrites(): SpecWrite[] {
  return specWrites().filter((write) => Object.hasOwn(WRITE_OPERATIONS, write.operationId));
}
