import { InputError } from '../../services/input-error.js';
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

/** An operation that answers 204: its service call's result is not shown. */
const noContent =
  (write: (context: WriteContext) => Promise<unknown>): WriteOperation =>
  async (context) => {
    await write(context);
    return undefined;
  };

/** Attributes as the services take them: Apple's names, values as sent (the services judge them). */
type Attributes = Record<string, unknown>;

export const WRITE_OPERATIONS: Readonly<Record<string, WriteOperation>> = {
  async apps_updateInstance({ services, id, body }) {
    const { bundleId, ...attributes } = body.attributes;
    // AppUpdateRequest declares bundleId, but an app's bundle id is fixed once builds carry it: the same value is
    // accepted (clients send back what they read), another is refused (docs/apple-behavior.md, §11).
    if (bundleId !== undefined && bundleId !== (await services.apps.find(id))?.bundleId)
      throw new InputError(`the bundle id of app ${id} cannot change`, 'bundleId');
    await services.apps.update(id, attributes as Attributes);
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

  betaTesters_createInstance: async ({ services, body }) => {
    const tester = await services.betaTesters.create({
      email: String(body.attributes.email ?? ''),
      ...(typeof body.attributes.firstName === 'string' && { firstName: body.attributes.firstName }),
      ...(typeof body.attributes.lastName === 'string' && { lastName: body.attributes.lastName }),
      betaGroupIds: many(body, 'betaGroups'),
      buildIds: many(body, 'builds'),
    });
    return { type: 'betaTesters', id: tester.id };
  },
  betaTesterInvitations_createInstance: async ({ services, body }) => {
    const invitation = await services.betaTesters.invite({
      appId: one(body, 'app') ?? '',
      betaTesterId: one(body, 'betaTester') ?? '',
    });
    return { type: 'betaTesterInvitations', id: invitation.id };
  },

  // The rest answer 204: nothing to show.
  betaGroups_deleteInstance: noContent(({ services, id }) => services.betaGroups.delete(id)),
  betaTesters_deleteInstance: noContent(({ services, id }) => services.betaTesters.delete(id)),
  betaFeedbackScreenshotSubmissions_deleteInstance: noContent(({ services, id }) =>
    services.feedback.deleteScreenshot(id),
  ),
  betaFeedbackCrashSubmissions_deleteInstance: noContent(({ services, id }) =>
    services.feedback.deleteCrash(id),
  ),
  betaGroups_betaTesters_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaGroups.add(id, { testerIds: ids }),
  ),
  betaGroups_betaTesters_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaGroups.remove(id, { testerIds: ids }),
  ),
  betaGroups_builds_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaGroups.add(id, { buildIds: ids }),
  ),
  betaGroups_builds_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaGroups.remove(id, { buildIds: ids }),
  ),
  apps_betaTesters_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.apps.removeBetaTesters(id, ids),
  ),
  betaTesters_apps_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaTesters.removeFromApps(id, ids),
  ),
  betaTesters_betaGroups_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaTesters.addToBetaGroups(id, ids),
  ),
  betaTesters_betaGroups_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaTesters.removeFromBetaGroups(id, ids),
  ),
  betaTesters_builds_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaTesters.addToBuilds(id, ids),
  ),
  betaTesters_builds_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.betaTesters.removeFromBuilds(id, ids),
  ),
  builds_betaGroups_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.builds.addToBetaGroups(id, ids),
  ),
  builds_betaGroups_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.builds.removeFromBetaGroups(id, ids),
  ),
  builds_individualTesters_createToManyRelationship: noContent(({ services, id, ids }) =>
    services.builds.addIndividualTesters(id, ids),
  ),
  builds_individualTesters_deleteToManyRelationship: noContent(({ services, id, ids }) =>
    services.builds.removeIndividualTesters(id, ids),
  ),
};

/** The write operations served: apiRoute answers 405 for the other methods of their paths. */
export function servedWrites(): SpecWrite[] {
  return specWrites().filter((write) => Object.hasOwn(WRITE_OPERATIONS, write.operationId));
}
