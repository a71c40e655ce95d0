import { APP_DEFAULTS } from '../domain/records/app.js';
import { BETA_GROUP_DEFAULTS, type BetaGroupWithMembers } from '../domain/records/beta-group.js';
import { BUILD_DEFAULTS, type BuildWithDetails, defaultBetaDetail } from '../domain/records/build.js';
import type { EventPosition, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { RowWindow } from '../domain/row-window.js';
import type { ContentStore } from '../storage/content-store.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { InputError } from './input-error.js';

/** Rows read per query; the export never holds more than one page of them. */
export const EXPORT_PAGE_SIZE = 1000;

export interface ExportCounts {
  readonly testers: number;
  readonly preReleaseVersions: number;
  readonly builds: number;
  readonly groups: number;
  readonly screenshotFeedback: number;
  readonly crashFeedback: number;
  /** Stored screenshots written (each once, before the first submission that names it). */
  readonly screenshotContent: number;
  readonly events: number;
}

/**
 * Writes an app as import lines (docs/import-format.md): its app line, a tester line per tester of the app
 * (ordered by id), its pre-release versions, builds and groups (each by id), then its raw events in time
 * order, page by page, then its feedback (screenshot, then crash, by id): each line after the lines it refers
 * to (a stored screenshot's bytes, base64, before the first submission naming it). Importing the lines into an empty store rebuilds the app, its testers, its TestFlight resources and its
 * metrics. An attribute at its default (APP_DEFAULTS, ...) is left out, as import fills it in. Not a snapshot: events written meanwhile may or may not be in.
 * Throws InputError when there is no such app. `write` gets one line at a time, without its line break.
 */
export async function exportRecords(
  store: DirectoryReads & UsageReads & Pick<ContentStore, 'readContent'>,
  appId: string,
  write: (line: string) => Promise<void>,
  pageSize: number = EXPORT_PAGE_SIZE,
): Promise<ExportCounts> {
  const app = await store.findApp(appId);
  if (app === undefined)
    throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
  const { id, name, bundleId, sku, primaryLocale, createdAt: _, ...attributes } = app;
  await write(
    JSON.stringify({
      kind: 'app',
      id,
      name,
      bundleId,
      sku,
      primaryLocale,
      ...changed(attributes, APP_DEFAULTS),
    }),
  );

  let testers = 0;
  let afterId: string | undefined;
  for (;;) {
    const page = await store.listTesters(
      { appIds: [appId] },
      afterId === undefined ? { limit: pageSize } : { afterId, limit: pageSize },
    );
    for (const tester of page) {
      await write(
        JSON.stringify({
          kind: 'tester',
          appId,
          id: tester.id,
          email: tester.email,
          ...(tester.firstName !== null && { firstName: tester.firstName }),
          ...(tester.lastName !== null && { lastName: tester.lastName }),
          ...(tester.appDevices !== undefined &&
            tester.appDevices !== null && { appDevices: tester.appDevices }),
        }),
      );
    }
    testers += page.length;
    afterId = page.at(-1)?.id;
    if (page.length < pageSize) break;
  }

  const each = async <T extends { id: string }>(
    list: (window: RowWindow) => Promise<T[]>,
    line: (record: T) => Record<string, unknown>,
  ): Promise<number> => {
    let written = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await list(afterId === undefined ? { limit: pageSize } : { afterId, limit: pageSize });
      for (const record of page) await write(JSON.stringify(line(record)));
      written += page.length;
      afterId = page.at(-1)?.id;
      if (page.length < pageSize) return written;
    }
  };
  const preReleaseVersions = await each(
    (window) => store.listPreReleaseVersions(appId, window),
    (version) => ({ kind: 'preReleaseVersion', ...version }),
  );
  const builds = await each((window) => store.listBuilds(appId, window), buildLine);
  const groups = await each((window) => store.listBetaGroups(appId, window), groupLine);

  let events = 0;
  let after: EventPosition | undefined;
  for (;;) {
    const page = await store.listUsageEvents(appId, after, pageSize);
    for (const event of page) await write(JSON.stringify(eventLine(event)));
    events += page.length;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) break;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
  // A stored screenshot goes out once, as a line of its own before the first submission naming it; the
  // submission names it by SHA-256 (docs/import-format.md). The set holds hashes only, one per screenshot.
  const written = new Set<string>();
  const screenshotFeedback = await each(
    async (window) => {
      const page = await store.listScreenshotFeedback(appId, window);
      for (const submission of page) {
        for (const image of submission.screenshots) {
          if (!('sha256' in image) || written.has(image.sha256)) continue;
          const content = await store.readContent(appId, image.sha256);
          if (content === undefined) continue;
          written.add(image.sha256);
          await write(
            JSON.stringify({
              kind: 'screenshotContent',
              appId,
              sha256: image.sha256,
              data: content.bytes.toString('base64'),
            }),
          );
        }
      }
      return page;
    },
    (submission) => ({ kind: 'screenshotFeedback', ...withoutNulls(submission) }),
  );
  const crashFeedback = await each(
    (window) => store.listCrashFeedback(appId, window),
    ({ crashLog, ...submission }) => ({
      kind: 'crashFeedback',
      ...withoutNulls(submission),
      ...(crashLog !== null && { crashLog: crashLog.logText }),
    }),
  );
  return {
    testers,
    preReleaseVersions,
    builds,
    groups,
    screenshotFeedback,
    crashFeedback,
    screenshotContent: written.size,
    events,
  };
}

function buildLine(build: BuildWithDetails): Record<string, unknown> {
  const { id, appId, version, uploadedAt, betaDetail, individualTesterIds, ...attributes } = build;
  return {
    kind: 'build',
    id,
    appId,
    version,
    uploadedDate: uploadedAt,
    ...changed(attributes, BUILD_DEFAULTS),
    ...changed(betaDetail, defaultBetaDetail(build.processingState)),
    ...(individualTesterIds.length > 0 && { individualTesterIds }),
  };
}

function groupLine(group: BetaGroupWithMembers): Record<string, unknown> {
  const { id, appId, name, isInternal, createdAt, testerIds, buildIds, ...attributes } = group;
  return {
    kind: 'group',
    id,
    appId,
    name,
    isInternalGroup: isInternal,
    createdDate: createdAt,
    ...changed(attributes, BETA_GROUP_DEFAULTS),
    ...(testerIds.length > 0 && { testerIds }),
    ...(buildIds.length > 0 && { buildIds }),
  };
}

/** The fields of `record` whose values differ from `defaults`. */
function changed<T extends object>(record: T, defaults: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([name, value]) =>
        JSON.stringify(value) !== JSON.stringify((defaults as Record<string, unknown>)[name]),
    ),
  ) as Partial<T>;
}

function withoutNulls<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null)) as Partial<T>;
}

/** An event line: the fields a client sends (no `kind`: a line without one is an event). */
function eventLine(event: UsageEventRecord): Record<string, string> {
  return {
    id: event.id,
    type: event.type,
    appId: event.appId,
    // A public-link event that names no viewer has no testerId (domain/usage-event.ts).
    ...(event.testerId !== '' && { testerId: event.testerId }),
    timestamp: event.occurredAt,
    ...(event.build !== undefined && { build: event.build }),
    ...(event.platform !== undefined && { platform: event.platform }),
    ...(event.device !== undefined && { device: event.device }),
    ...(event.osVersion !== undefined && { osVersion: event.osVersion }),
    ...(event.groupId !== undefined && { groupId: event.groupId }),
    ...(event.reason !== undefined && { reason: event.reason }),
  };
}
