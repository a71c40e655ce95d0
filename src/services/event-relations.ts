import type { Problem } from '../domain/problem.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { type CheckedEvent, shown } from '../domain/usage-event-rules.js';
import type { PublicLinkLimit } from '../domain/usage-values.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { UsageReads } from '../storage/usage-store.js';

/** The reads judging events against the store takes. */
type RelationReads = DirectoryReads & Pick<UsageReads, 'publicLinkLimits' | 'storedEventIds'>;

/** What one app's events name, and what the store says of it. */
interface AppRelations {
  readonly testers: Set<string>;
  readonly groups: Set<string>;
  /** The builds it has of those named, or undefined when an unknown build is to be created. */
  readonly builds: Set<string> | undefined;
  /** Of the builds install events name, the expired ones. */
  readonly expiredBuilds: ExpiredBuilds;
  /** Of the groups accept events name, those whose public link has a limit. */
  readonly limits: Map<string, PublicLinkLimit>;
  /** Of the events the two rules above would refuse, those stored already: duplicates, never judged again. */
  readonly stored: Set<string>;
}

/**
 * Which apps exist, which testers belong to them, which groups are theirs and which of the builds the events name
 * they have, for the events that passed the other rules: per app, one read of the app, one of its testers, one of
 * its groups when public-link events name some, and (when events name builds) one indexed read of its builds
 * (builds_app_version), whatever the batch's size. A public-link event names a group of its app; its viewer need
 * not be a tester (docs/apple-behavior.md, §11). Builds are never deleted, so a build known here is known when the
 * batch is written; one created meanwhile on another node is seen here, as every read goes to the store. README,
 * "Builds".
 *
 * Two rules about the state of what events name (docs/apple-behavior.md, §11): an install of an expired build
 * is refused (testers who have it may go on using it), and so is an accept of a public link whose limit is
 * reached, counting the accepts before it in the batch. An event already stored is answered as a duplicate
 * instead, so a batch sent again after its answer was lost is not refused. Like the others these rules read the
 * store before the batch is written: batches judged at the same moment may pass a limit together.
 */
export async function relationsOf(store: RelationReads, checked: readonly CheckedEvent[]) {
  const named = namedByApp(checked);
  const known = new Map<string, AppRelations | undefined>();
  for (const [appId, names] of named) {
    const app = await store.findApp(appId);
    if (app === undefined) {
      known.set(appId, undefined);
      continue;
    }
    const expiredBuilds =
      names.installedBuilds.size === 0
        ? new Map<string, string | null>()
        : await store.expiredBuildVersions(appId, [...names.installedBuilds]);
    const limits =
      names.acceptsPerGroup.size === 0
        ? new Map<string, PublicLinkLimit>()
        : await store.publicLinkLimits(appId, [...names.acceptsPerGroup.keys()]);
    const refusable = names.events.filter((event) =>
      wouldRefuse(event, expiredBuilds, limits, names.acceptsPerGroup),
    );
    known.set(appId, {
      testers: await store.testersOfApp(appId, [...names.testers]),
      groups: names.groups.size === 0 ? new Set() : await store.betaGroupsOfApp(appId, [...names.groups]),
      builds:
        names.builds.size > 0 && !app.allowUnknownBuilds
          ? await store.knownBuildVersions(appId, [...names.builds])
          : undefined,
      expiredBuilds,
      limits,
      stored:
        refusable.length === 0
          ? new Set()
          : await store.storedEventIds(
              appId,
              refusable.map((event) => event.id),
            ),
    });
  }
  /** Per app and group, the accepts of this batch let through so far; and the events they were. */
  const acceptsSoFar = new Map<string, number>();
  const counted = new Set<string>();
  const fullLink = (app: AppRelations, event: UsageEventRecord, groupId: string): Problem | undefined => {
    const limit = app.limits.get(groupId);
    const eventKey = `${event.appId}\u0000${event.id}`;
    if (event.type !== 'publicLinkAccept' || limit === undefined) return undefined;
    if (app.stored.has(event.id) || counted.has(eventKey)) return undefined;
    const groupKey = `${event.appId}\u0000${groupId}`;
    const before = acceptsSoFar.get(groupKey) ?? 0;
    if (limit.accepted + before >= limit.limit) {
      return {
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        detail: `the public link of beta group '${shown(groupId)}' is full (limit ${limit.limit})`,
        field: 'groupId',
      };
    }
    acceptsSoFar.set(groupKey, before + 1);
    counted.add(eventKey);
    return undefined;
  };
  return {
    problem(event: UsageEventRecord): Problem | undefined {
      const app = known.get(event.appId);
      if (app === undefined) {
        return {
          code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
          detail: `There is no app with id '${shown(event.appId)}'`,
          field: 'appId',
        };
      }
      if (event.groupId !== undefined) {
        if (!app.groups.has(event.groupId)) {
          return {
            code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
            detail: `There is no beta group '${shown(event.groupId)}' in app '${shown(event.appId)}'`,
            field: 'groupId',
          };
        }
        return fullLink(app, event, event.groupId);
      }
      if (!app.testers.has(event.testerId)) {
        return {
          code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
          detail: `There is no tester '${shown(event.testerId)}' in app '${shown(event.appId)}'; add them with 'beta-metrics testers add'`,
          field: 'testerId',
        };
      }
      const build = event.build === undefined || event.build === '' ? undefined : event.build;
      if (build !== undefined && app.builds !== undefined && !app.builds.has(build)) {
        return {
          code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
          detail: `There is no build '${shown(build)}' of app '${shown(event.appId)}'; create it with 'beta-metrics builds create', or let events create builds with 'beta-metrics apps set ${shown(event.appId)} --allow-unknown-builds true'`,
          field: 'build',
        };
      }
      if (
        event.type === 'install' &&
        build !== undefined &&
        installedTooLate(event, app.expiredBuilds) &&
        !app.stored.has(event.id)
      ) {
        return {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          detail: `build '${shown(build)}' of app '${shown(event.appId)}' has expired and takes no new installs`,
          field: 'build',
        };
      }
      return undefined;
    },
  };
}

/** Per app: the testers, groups and builds its events name, the builds installs name, the accepts per group. */
function namedByApp(checked: readonly CheckedEvent[]) {
  const named = new Map<
    string,
    {
      testers: Set<string>;
      groups: Set<string>;
      builds: Set<string>;
      installedBuilds: Set<string>;
      acceptsPerGroup: Map<string, number>;
      events: UsageEventRecord[];
    }
  >();
  for (const { event } of checked) {
    const names = named.get(event.appId) ?? {
      testers: new Set<string>(),
      groups: new Set<string>(),
      builds: new Set<string>(),
      installedBuilds: new Set<string>(),
      acceptsPerGroup: new Map<string, number>(),
      events: [],
    };
    if (event.groupId === undefined) names.testers.add(event.testerId);
    else names.groups.add(event.groupId);
    if (event.build !== undefined && event.build !== '') {
      names.builds.add(event.build);
      if (event.type === 'install') names.installedBuilds.add(event.build);
    }
    if (event.type === 'publicLinkAccept' && event.groupId !== undefined)
      names.acceptsPerGroup.set(event.groupId, (names.acceptsPerGroup.get(event.groupId) ?? 0) + 1);
    names.events.push(event);
    named.set(event.appId, names);
  }
  return named;
}

/**
 * Whether the state rules could refuse `event`: an install of an expired build, or an accept of a limited
 * public link that this batch's accepts would take past its limit.
 */
function wouldRefuse(
  event: UsageEventRecord,
  expiredBuilds: ExpiredBuilds,
  limits: Map<string, PublicLinkLimit>,
  acceptsPerGroup: Map<string, number>,
): boolean {
  if (event.type === 'install') return installedTooLate(event, expiredBuilds);
  if (event.type !== 'publicLinkAccept' || event.groupId === undefined) return false;
  const limit = limits.get(event.groupId);
  return limit !== undefined && limit.accepted + (acceptsPerGroup.get(event.groupId) ?? 0) > limit.limit;
}

/** An app's expired builds by build number, each with its expirationDate (null when none is known). */
type ExpiredBuilds = ReadonlyMap<string, string | null>;

/**
 * An install of an expired build dated at or after its expiration: testers could not install it then. An
 * install from before (history sent late, an import of an export) stands; a build marked expired without a
 * date takes no install at all (docs/apple-behavior.md, §11).
 */
function installedTooLate(event: UsageEventRecord, expiredBuilds: ExpiredBuilds): boolean {
  if (event.build === undefined || !expiredBuilds.has(event.build)) return false;
  const expiration = expiredBuilds.get(event.build) ?? null;
  return expiration === null || event.occurredAt >= expiration;
}
