import type { EventPosition, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { InputError } from './input-error.js';

/** Rows read per query; the export never holds more than one page of them. */
export const EXPORT_PAGE_SIZE = 1000;

export interface ExportCounts {
  readonly testers: number;
  readonly events: number;
}

/**
 * Writes an app as import lines (docs/import-format.md): its app line, a tester line per tester of the app
 * (ordered by id), then its raw events in time order, page by page. Importing the lines into an empty store
 * rebuilds the app, its testers and its metrics. Not a snapshot: events written meanwhile may or may not be in.
 * Throws InputError when there is no such app. `write` gets one line at a time, without its line break.
 */
export async function exportRecords(
  store: DirectoryReads & UsageReads,
  appId: string,
  write: (line: string) => Promise<void>,
  pageSize: number = EXPORT_PAGE_SIZE,
): Promise<ExportCounts> {
  const app = await store.findApp(appId);
  if (app === undefined)
    throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
  const { id, name, bundleId, sku, primaryLocale } = app;
  await write(JSON.stringify({ kind: 'app', id, name, bundleId, sku, primaryLocale }));

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
        }),
      );
    }
    testers += page.length;
    afterId = page.at(-1)?.id;
    if (page.length < pageSize) break;
  }

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
  return { testers, events };
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
