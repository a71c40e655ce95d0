import type { Clock } from '../domain/clock.js';
import type { Problem } from '../domain/problem.js';
import {
  type CheckedEvent,
  checkEvent,
  DEFAULT_RETENTION_DAYS,
  skewFromSentAt,
} from '../domain/usage-event-rules.js';
import { visibleText } from '../domain/visible-text.js';
import type { AppIngestStats, RejectionRecord } from '../domain/records/ingestion-stats.js';
import type { AppendResult, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { ContentStore } from '../storage/content-store.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { IngestionStatsStore } from '../storage/ingestion-stats-store.js';
import type { UsageStore } from '../storage/usage-store.js';
import { type BatchProblem, RefusedBatch, TooManyEvents } from './batch-problems.js';
import { resolveContent } from './event-content.js';
import { relationsOf } from './event-relations.js';
import { DEFAULT_SCREENSHOT_LIMITS } from './screenshot-check.js';

/** The store slices ingestion uses: it checks events against the directory, stores them, and counts. */
type IngestionStore = DirectoryReads &
  UsageStore &
  IngestionStatsStore &
  Pick<ContentStore, 'hasContent' | 'pruneFeedbackContent' | 'pruneUnnamedContent'>;

export interface IngestionLimits {
  /** Events per request. */
  readonly maxEvents: number;
  /** Bytes per request, uncompressed. */
  readonly maxBytes: number;
  /** Days raw events are kept, and how old an incoming event may be. */
  readonly retentionDays: number;
  /**
   * Requests of one app this node reads and writes at once; more are answered 429 with Retry-After before
   * their bodies are read, so one app's senders cannot hold a node's memory (each batch is up to `maxBytes`,
   * several times that once parsed).
   */
  readonly maxConcurrentBatches: number;
  /** Bytes of one uploaded screenshot (`--max-screenshot-bytes`, docs/feedback-content.md). */
  readonly maxScreenshotBytes: number;
  /** UTF-8 bytes of a crash event's log (`--max-crash-log-bytes`, docs/feedback-content.md). */
  readonly maxCrashLogBytes: number;
}

export const DEFAULT_INGESTION_LIMITS: IngestionLimits = {
  maxEvents: 1000,
  maxBytes: 1024 * 1024,
  retentionDays: DEFAULT_RETENTION_DAYS,
  maxConcurrentBatches: 8,
  maxScreenshotBytes: DEFAULT_SCREENSHOT_LIMITS.maxBytes,
  maxCrashLogBytes: 256 * 1024,
};

export interface EventBatch {
  /** As sent: each is checked against the rules of domain/usage-event-rules.ts. */
  readonly events: readonly unknown[];
  /** When the device sent the batch, to correct its clock (optional). */
  readonly sentAt?: unknown;
}

/** The events of a batch that meet every rule, and the problems of the others by their place in the batch. */
export interface CheckedBatch {
  readonly valid: CheckedEvent[];
  /** `problems` name fields of the event at `index`. */
  readonly rejected: Array<{ readonly index: number; readonly problems: Problem[] }>;
}

/**
 * A problem counted in an app's ingestion stats: a BatchProblem, or the refusal of a request before its events
 * were read (a body too large, not JSON, ...), whatever its code.
 */
export interface CountedProblem {
  readonly code: string;
  readonly detail: string;
  readonly event?: number;
  readonly field?: string;
}

export interface IngestionService {
  readonly limits: IngestionLimits;
  /**
   * Checks every event; with `keyAppId` (an ingest key's app) each must be of that app, without it (an
   * operator's import) of an app that exists. The tester of each must be a tester of its app.
   */
  check(batch: EventBatch, keyAppId?: string): Promise<CheckedBatch>;
  /** Stores checked events exactly once (see Store.appendUsageEvents), and counts the refused ones. */
  write(events: readonly UsageEventRecord[]): Promise<AppendResult>;
  /** Counts events an import refused one by one (the others of their batch were stored). */
  recordRejected(appId: string, rejected: CheckedBatch['rejected']): Promise<void>;
  /** Counts a request's batch refused whole: its `events` (0 when unreadable) and a reason per problem. */
  recordRefusedBatch(appId: string, events: number, problems: readonly CountedProblem[]): Promise<void>;
  /**
   * A request's batch, all or nothing: TooManyEvents beyond the limits, RefusedBatch naming every problem
   * (nothing written), else the events are stored and committed before this resolves. The caller counts a
   * refusal.
   */
  ingestBatch(batch: EventBatch, keyAppId: string): Promise<AppendResult>;
  stats(): Promise<AppIngestStats[]>;
  /**
   * Deletes raw events older than the retention period (rollups stay: no answer changes), the submissions
   * events made that are as old with their content, and uploads no event named within a day; the raw events
   * deleted. Once `signal` is aborted it stops before its next chunk (each chunk is its own transaction, so
   * what it deleted stays deleted): a server shutting down waits for one chunk, not for the whole prune.
   */
  prune(signal?: AbortSignal): Promise<number>;
}

const PRUNE_CHUNK = 5000;

/**
 * Lets the event loop answer what waits between two chunks of a prune. SQLite's statements run synchronously,
 * so awaiting them yields to promises only: a store full of events past retention (a server started again
 * after a long stop) kept `/healthz` and every request waiting for the whole prune, 100 s on the bench's
 * 20M-event store.
 */
const betweenChunks = () => new Promise<void>((resolve) => setImmediate(resolve));
/** How long an upload waits for an event to name it. */
const UNNAMED_UPLOAD_MS = 24 * 3_600_000;

/**
 * `clock` is wall time (when a batch arrived, to correct device clocks); `reportClock` is the data's "now"
 * (the same unless `--now` fixes it), against which events are too new or too old.
 */
export function ingestionService(
  store: IngestionStore,
  clock: Clock,
  reportClock: Clock,
  limits: IngestionLimits,
): IngestionService {
  const service: IngestionService = {
    limits,

    async check(batch, keyAppId) {
      const receivedAt = clock.now();
      const skew = skewFromSentAt(batch.sentAt, receivedAt);
      if (typeof skew !== 'number') throw new RefusedBatch([skew]);
      const valid: CheckedEvent[] = [];
      const rejected: CheckedBatch['rejected'] = [];
      // One context for the batch: one "now" for all its events, and no object of its own for each.
      const context = {
        appId: keyAppId ?? '',
        now: reportClock.now(),
        retentionDays: limits.retentionDays,
        skewMs: skew,
        receivedAt: receivedAt.toISOString(),
        maxCrashLogBytes: limits.maxCrashLogBytes,
      };
      batch.events.forEach((raw, index) => {
        if (keyAppId === undefined) context.appId = ownAppId(raw);
        const checked = checkEvent(raw, index, context);
        if (Array.isArray(checked)) rejected.push({ index, problems: checked });
        else valid.push(checked);
      });
      const known = await relationsOf(store, valid);
      const related = valid.filter(({ index, event }) => {
        const problem = known.problem(event);
        if (problem === undefined) return true;
        rejected.push({ index, problems: [problem] });
        return false;
      });
      const withContent = await resolveContent(store, related);
      rejected.push(...withContent.rejected);
      rejected.sort((a, b) => a.index - b.index);
      return { valid: withContent.valid, rejected };
    },

    write: (events) => store.appendUsageEvents(events),

    recordRejected(appId, rejected) {
      const reasons = reasonsOf(eventProblems(rejected), clock.now());
      return store.recordRefusal(appId, { events: rejected.length, batches: 0, reasons });
    },

    recordRefusedBatch(appId, events, problems) {
      return store.recordRefusal(appId, { events, batches: 1, reasons: reasonsOf(problems, clock.now()) });
    },

    async ingestBatch(batch, keyAppId) {
      if (batch.events.length > limits.maxEvents) {
        throw new TooManyEvents(limits.maxEvents, batch.events.length);
      }
      const checked = await service.check(batch, keyAppId);
      if (checked.rejected.length > 0) throw new RefusedBatch(eventProblems(checked.rejected));
      return service.write(checked.valid.map(({ event }) => event));
    },

    stats: () => store.ingestStats(),

    async prune(signal) {
      const before = new Date(reportClock.now().getTime() - limits.retentionDays * 86_400_000).toISOString();
      let total = 0;
      // Each chunk until one comes back short, or until told to stop.
      const inChunks = async (prune: () => Promise<number>) => {
        for (;;) {
          if (signal?.aborted) return false;
          const deleted = await prune();
          if (deleted < PRUNE_CHUNK) return true;
          await betweenChunks();
        }
      };
      const finished = await inChunks(async () => {
        const deleted = await store.pruneUsageEvents(before, PRUNE_CHUNK);
        total += deleted;
        return deleted;
      });
      if (!finished) return total;
      // Content follows the retention period of raw events; an upload no event named within a day goes
      // (docs/feedback-content.md, "Lifecycle").
      if (!(await inChunks(() => store.pruneFeedbackContent(before, PRUNE_CHUNK)))) return total;
      const unnamedBefore = new Date(clock.now().getTime() - UNNAMED_UPLOAD_MS).toISOString();
      await inChunks(() => store.pruneUnnamedContent(unnamedBefore, PRUNE_CHUNK));
      return total;
    },
  };
  return service;
}

/** The problems of rejected events, each with its event's place in the batch, in the batch's order. */
function eventProblems(rejected: CheckedBatch['rejected']): BatchProblem[] {
  return rejected.flatMap(({ index, problems }) => problems.map((problem) => ({ ...problem, event: index })));
}

/**
 * Groups problems into the reasons ingestion counts: one per bad event (its first problem, as
 * `<code> <field>`, or `<code> event`), and one per problem of the batch as a whole (`<code> <field>` of the
 * batch, like `<code> sentAt`, or `<code> batch`).
 */
function reasonsOf(problems: readonly CountedProblem[], at: Date): RejectionRecord[] {
  const seenEvents = new Set<number>();
  const reasons: RejectionRecord[] = [];
  for (const problem of problems) {
    const { event, field } = problem;
    if (event !== undefined && seenEvents.has(event)) continue;
    if (event !== undefined) seenEvents.add(event);
    const where = field || (event === undefined ? 'batch' : 'event');
    // Escaped once more as they are stored: a detail from anywhere (the body's parsing too) can hold nothing a
    // store refuses (NUL, lone surrogates) or a terminal acts on. A no-op for the details of this service.
    reasons.push({
      reason: visibleText(`${problem.code} ${where}`),
      detail: visibleText(problem.detail),
      at: at.toISOString(),
    });
  }
  return reasons;
}

function ownAppId(raw: unknown): string {
  const appId = typeof raw === 'object' && raw !== null ? (raw as { appId?: unknown }).appId : undefined;
  return typeof appId === 'string' ? appId : '';
}
