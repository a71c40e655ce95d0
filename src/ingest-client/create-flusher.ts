import { backoffDelay, type RetryTiming } from '../wire-common/backoff-delay.js';
import type { EventQueue } from './event-queue.js';
import { reason } from './event-queue.js';
import { IngestClientError } from './ingest-client-error.js';
import { unrefTimer } from './post-request.js';
import { hasPendingScreenshots, withoutContent, withUploaded } from './queued-content.js';
import type { BatchOutcome } from './send-batch.js';
import type { UploadOutcome } from './upload-screenshot.js';
import type { FlushResult, QueuedEvent } from './types.js';

export interface FlusherDeps {
  readonly queue: EventQueue;
  readonly send: (events: readonly QueuedEvent[]) => Promise<BatchOutcome>;
  /** Uploads the first pending screenshot of a feedback event. */
  readonly upload: (event: QueuedEvent) => Promise<UploadOutcome>;
  readonly batchSize: number;
  readonly retry: RetryTiming;
  readonly report: (error: IngestClientError) => void;
  readonly now: () => number;
}

export interface Flusher {
  flush(): Promise<FlushResult>;
  /** No more retry timers; a flush still sends what it may. */
  close(): void;
}

interface Tally {
  accepted: number;
  duplicates: number;
  dropped: number;
}

/**
 * Sends the queue batch by batch, one flush at a time. The screenshots of a batch's feedback are uploaded
 * first, one by one, each upload saved in the queue as its id (docs/feedback-content.md, "The wire"). After a
 * transient failure of either request it waits (backoff, or the server's Retry-After) and retries by itself;
 * every flush during the wait sends nothing.
 */
export function createFlusher(deps: FlusherDeps): Flusher {
  const { queue } = deps;
  let limit = deps.batchSize;
  let failures = 0;
  let waitUntil = 0;
  let refusedKey: IngestClientError | undefined;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<FlushResult> | undefined;
  let next: Promise<FlushResult> | undefined;

  const scheduleRetry = (delayMs: number) => {
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    if (closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void flush();
    }, delayMs);
    unrefTimer(retryTimer);
  };

  const result = (tally: Tally, extra: Partial<FlushResult> = {}): FlushResult => ({
    ...tally,
    pending: queue.size(),
    stopped: refusedKey !== undefined,
    ...extra,
  });

  /** Drops events the server refused for good, and reports them with the server's errors. */
  const drop = async (events: readonly QueuedEvent[], error: IngestClientError, tally: Tally) => {
    const { status, errors } = error;
    deps.report(
      new IngestClientError('rejected', error.message, {
        events: events.map(withoutContent),
        ...(status !== undefined && { status }),
        ...(errors !== undefined && { errors }),
      }),
    );
    tally.dropped += events.length;
    await queue.remove(events);
  };

  /** Applies one answer; returns the result that ends this flush, or undefined to go on. */
  const apply = async (batch: QueuedEvent[], outcome: BatchOutcome, tally: Tally) => {
    switch (outcome.type) {
      case 'acknowledged':
        failures = 0;
        tally.accepted += outcome.accepted;
        tally.duplicates += outcome.duplicates;
        // Saved before anything else is sent: an acknowledged event never leaves again, even after a crash.
        await queue.remove(batch);
        return undefined;
      case 'too-large':
        failures = 0;
        if (batch.length > 1) limit = Math.ceil(batch.length / 2);
        else await drop(batch, outcome.error, tally);
        return undefined;
      case 'rejected': {
        failures = 0;
        const named = outcome.indexes.flatMap((index) => batch[index] ?? []);
        await drop(named.length > 0 ? named : batch, outcome.error, tally);
        return undefined;
      }
      case 'unauthorized':
        refusedKey = outcome.error;
        deps.report(outcome.error);
        return result(tally, { error: outcome.error });
      case 'transient': {
        failures++;
        const retryInMs = outcome.retryAfterMs ?? backoffDelay(failures, deps.retry);
        waitUntil = deps.now() + retryInMs;
        scheduleRetry(retryInMs);
        const { kind, message, status, errors } = outcome.error;
        const error = new IngestClientError(kind, message, {
          retryInMs,
          cause: outcome.error.cause,
          ...(status !== undefined && { status }),
          ...(errors !== undefined && { errors }),
        });
        deps.report(error);
        return result(tally, { retryInMs, error });
      }
    }
  };

  /** An uploaded screenshot is kept as its id; a refused one drops its event, as a refused event is dropped. */
  const applyUpload = async (event: QueuedEvent, outcome: UploadOutcome, tally: Tally) => {
    if (outcome.type !== 'uploaded') return apply([event], outcome, tally);
    failures = 0;
    try {
      await queue.replace(event, withUploaded(event, outcome.id));
    } catch (cause) {
      // Not worth ending the flush for: the upload is kept in memory, and uploading it again is harmless. A
      // store full of pending screenshots (localStorage's quota) saves again once their bytes have left it.
      const message = `The queue could not be saved: ${reason(cause)}`;
      deps.report(new IngestClientError('storage', message, { cause }));
    }
    return undefined;
  };

  const pass = async (): Promise<FlushResult> => {
    await queue.ready;
    const tally: Tally = { accepted: 0, duplicates: 0, dropped: 0 };
    try {
      for (;;) {
        if (refusedKey !== undefined) return result(tally, { error: refusedKey });
        const wait = waitUntil - deps.now();
        if (wait > 0) {
          // Not before the wait is over, by this clock: a timer firing early only schedules the rest.
          if (retryTimer === undefined) scheduleRetry(wait);
          return result(tally, { retryInMs: wait });
        }
        const batch = queue.head(limit);
        if (batch.length === 0) return result(tally);
        const waiting = batch.find(hasPendingScreenshots);
        const ended =
          waiting === undefined
            ? await apply(batch, await deps.send(batch), tally)
            : await applyUpload(waiting, await deps.upload(waiting), tally);
        if (ended !== undefined) return ended;
      }
    } catch (cause) {
      const error = new IngestClientError('storage', `The queue could not be saved: ${reason(cause)}`, {
        cause,
      });
      deps.report(error);
      return result(tally, { error });
    }
  };

  const start = (): Promise<FlushResult> => {
    running = pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  /** One flush at a time: a call during a flush gets the one after it, shared by every such call. */
  function flush(): Promise<FlushResult> {
    if (next !== undefined) return next;
    if (running === undefined) return start();
    next = running.then(() => {
      next = undefined;
      return start();
    });
    return next;
  }

  return {
    flush,
    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
