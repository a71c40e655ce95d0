import type { Problem } from '../domain/problem.js';
import { unstorableText } from '../domain/storable-text.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { NewAppInput } from './apps.js';
import type { NewTesterInput } from './beta-testers.js';
import { parseImportLine } from './import-line.js';
import { importResource } from './import-resources.js';
import type { CheckedBatch } from './ingestion.js';
import { InputError } from './input-error.js';
import type { Services } from './services.js';

/** Events per ingestion batch: the HTTP endpoint's default limit, so an import batch is a request's. */
export const IMPORT_BATCH_SIZE = 1000;
/** How many rejected lines a summary lists by default; the rest are counted. */
export const LISTED_REJECTIONS = 20;

export interface RejectedLine {
  /** 1-based, counting every line of the input, blank ones included. */
  readonly line: number;
  readonly reason: string;
}

/** Lines of one kind of record: created, found already there (by id), rejected. */
export interface RecordCounts {
  created: number;
  existing: number;
  rejected: number;
}

/** The TestFlight resources an import creates by id, each counted as apps are. */
export const RESOURCE_KINDS = [
  'preReleaseVersion',
  'build',
  'group',
  'screenshotFeedback',
  'crashFeedback',
  'screenshotContent',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface ImportSummary {
  linesRead: number;
  readonly apps: RecordCounts;
  readonly testers: { added: number; existing: number; rejected: number };
  readonly preReleaseVersions: RecordCounts;
  readonly builds: RecordCounts;
  readonly groups: RecordCounts;
  readonly screenshotFeedback: RecordCounts;
  readonly crashFeedback: RecordCounts;
  /** Stored screenshots (their bytes), by app and SHA-256. */
  readonly screenshotContent: RecordCounts;
  /** `rejected` includes lines that are no record at all (not JSON, an unknown kind). */
  readonly events: { accepted: number; duplicates: number; rejected: number };
  /** Rejected lines of every kind. */
  rejected: number;
  /** The first rejected lines, in input order. */
  readonly rejectedLines: RejectedLine[];
  /** With `strict`: the rejected line the import stopped at; nothing after it was imported. */
  stoppedAtLine?: number;
}

export interface ImportOptions {
  /** Stop at the first rejected line. */
  readonly strict?: boolean;
  /** Called every IMPORT_BATCH_SIZE lines and once at the end, with the lines read so far. */
  readonly onProgress?: (linesRead: number) => void;
  /** How many rejected lines the summary keeps (default LISTED_REJECTIONS). */
  readonly listed?: number;
}

export type ImportServices = Pick<
  Services,
  'apps' | 'betaTesters' | 'ingestion' | 'builds' | 'betaGroups' | 'feedback' | 'screenshotUploads'
>;

/** Where each resource kind is counted in the summary. */
const SECTION: Record<
  ResourceKind,
  'preReleaseVersions' | 'builds' | 'groups' | 'screenshotFeedback' | 'crashFeedback' | 'screenshotContent'
> = {
  preReleaseVersion: 'preReleaseVersions',
  build: 'builds',
  group: 'groups',
  screenshotFeedback: 'screenshotFeedback',
  crashFeedback: 'crashFeedback',
  screenshotContent: 'screenshotContent',
};

interface PendingEvent {
  readonly line: number;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * Loads an NDJSON import (docs/import-format.md) line by line, so inputs of any size stream through. Apps and
 * testers go through their services; events through ingestion's check and write in batches, the path of the
 * ingestion endpoint's batches, so the same rules and exactly-once hold. Lines take effect in input order: an event
 * can refer to an app or tester of an earlier line, not of a later one.
 */
export async function importRecords(
  store: DirectoryReads,
  services: ImportServices,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    linesRead: 0,
    apps: { created: 0, existing: 0, rejected: 0 },
    testers: { added: 0, existing: 0, rejected: 0 },
    preReleaseVersions: { created: 0, existing: 0, rejected: 0 },
    builds: { created: 0, existing: 0, rejected: 0 },
    groups: { created: 0, existing: 0, rejected: 0 },
    screenshotFeedback: { created: 0, existing: 0, rejected: 0 },
    crashFeedback: { created: 0, existing: 0, rejected: 0 },
    screenshotContent: { created: 0, existing: 0, rejected: 0 },
    events: { accepted: 0, duplicates: 0, rejected: 0 },
    rejected: 0,
    rejectedLines: [],
  };
  const listed = options.listed ?? LISTED_REJECTIONS;
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    if (summary.rejectedLines.length < listed) summary.rejectedLines.push({ line, reason });
    if (options.strict) summary.stoppedAtLine ??= line;
  };
  const stopped = () => summary.stoppedAtLine !== undefined;
  let pending: PendingEvent[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await importEvents(store, services, batch, summary, reject, options.strict === true);
  };

  let reported = 0;
  for await (const text of lines) {
    const line = ++summary.linesRead;
    const parsed = parseImportLine(line === 1 ? text.replace(/^\uFEFF/, '') : text);
    if (parsed.kind === 'event') {
      pending.push({ line, raw: parsed.event });
      if (pending.length >= IMPORT_BATCH_SIZE) await flush();
    } else if (parsed.kind !== 'blank') {
      // The events before this line are in before it takes effect (and, with --strict, may stop the import).
      await flush();
      if (stopped()) break;
      if (parsed.kind === 'invalid') {
        const { record } = parsed;
        summary[
          record === 'event'
            ? 'events'
            : record === 'app'
              ? 'apps'
              : record === 'tester'
                ? 'testers'
                : SECTION[record]
        ].rejected++;
        reject(line, parsed.reason);
      } else if (parsed.kind !== 'app' && parsed.kind !== 'tester') {
        const counts = summary[SECTION[parsed.kind]];
        const outcome = await settle(() => importResource(store, services, parsed));
        if (typeof outcome === 'string') counts[outcome]++;
        else {
          counts.rejected++;
          reject(line, outcome.error);
        }
      } else if (parsed.kind === 'app') {
        const outcome = await settle(() => importApp(store, services, parsed.app));
        if (typeof outcome === 'string') summary.apps[outcome]++;
        else {
          summary.apps.rejected++;
          reject(line, outcome.error);
        }
      } else {
        const outcome = await settle(() => importTester(store, services, parsed.tester));
        if (typeof outcome === 'string') summary.testers[outcome]++;
        else {
          summary.testers.rejected++;
          reject(line, outcome.error);
        }
      }
    }
    if (stopped()) break;
    if (summary.linesRead - reported >= IMPORT_BATCH_SIZE) {
      reported = summary.linesRead;
      options.onProgress?.(reported);
    }
  }
  if (!stopped()) await flush();
  options.onProgress?.(summary.linesRead);
  return summary;
}

async function importApp(
  store: DirectoryReads,
  services: ImportServices,
  app: NewAppInput & { readonly id: string },
): Promise<'created' | 'existing'> {
  if ((await store.findApp(app.id)) !== undefined) return 'existing';
  await services.apps.create(app);
  return 'created';
}

/** A tester already in the app is left as it is; otherwise they are added (as `testers add` would). */
async function importTester(
  store: DirectoryReads,
  services: ImportServices,
  tester: NewTesterInput,
): Promise<'added' | 'existing'> {
  const email = tester.email.trim();
  const known =
    tester.id === undefined
      ? (await store.listTesters({ emails: [email] }, { limit: 1 }))[0]
      : await store.findTester(tester.id);
  if (known?.apps.some((membership) => membership.appId === tester.appId)) {
    if (known.email.toLowerCase() !== email.toLowerCase()) {
      throw new InputError(
        `tester ${known.id} of app ${tester.appId} has the email ${known.email}, not ${tester.email}`,
      );
    }
    return 'existing';
  }
  await services.betaTesters.add(tester);
  return 'added';
}

/** One batch of event lines through ingestion: every valid event is written unless `strict` stops earlier. */
async function importEvents(
  store: DirectoryReads,
  services: ImportServices,
  batch: readonly PendingEvent[],
  summary: ImportSummary,
  reject: (line: number, reason: string) => void,
  strict: boolean,
): Promise<void> {
  const checked = await services.ingestion.check({ events: batch.map(({ raw }) => raw) });
  const firstBad = strict ? checked.rejected[0] : undefined;
  const valid =
    firstBad === undefined ? checked.valid : checked.valid.filter(({ index }) => index < firstBad.index);
  const rejected = firstBad === undefined ? checked.rejected : [firstBad];
  if (valid.length > 0) {
    const written = await services.ingestion.write(valid.map(({ event }) => event));
    summary.events.accepted += written.accepted;
    summary.events.duplicates += written.duplicates;
  }
  await recordPerApp(store, services, batch, rejected);
  for (const { index, problems } of rejected) {
    summary.events.rejected++;
    reject(batch[index]?.line ?? 0, describe(problems));
  }
}

/**
 * Counts refused events in the ingestion stats of the app they name, as the HTTP endpoint does; an event that
 * names no existing app is in the import's summary only (it would add counters for an app that is not there).
 */
async function recordPerApp(
  store: DirectoryReads,
  services: ImportServices,
  batch: readonly PendingEvent[],
  rejected: CheckedBatch['rejected'],
): Promise<void> {
  const byApp = new Map<string, Array<CheckedBatch['rejected'][number]>>();
  for (const refusal of rejected) {
    const appId = batch[refusal.index]?.raw.appId;
    // An app id no store can hold names no app, and looking it up would fail on PostgreSQL.
    if (typeof appId === 'string' && unstorableText(appId) === undefined)
      byApp.set(appId, [...(byApp.get(appId) ?? []), refusal]);
  }
  for (const [appId, refusals] of byApp) {
    if ((await store.findApp(appId)) !== undefined) await services.ingestion.recordRejected(appId, refusals);
  }
}

/** `timestamp: The event is dated more than 24 hours in the future; type: ...` */
function describe(problems: readonly Problem[]): string {
  return problems.map(({ detail, field }) => (field ? `${field}: ${detail}` : detail)).join('; ');
}

/** The outcome of an import step, or the InputError that refused its line. */
async function settle<T extends string>(step: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof InputError) return { error: error.message };
    throw error;
  }
}
