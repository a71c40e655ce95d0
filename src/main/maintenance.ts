import { StoreUnavailableError } from '../domain/store-problems.js';
import type { RateLimiter } from '../services/rate-limiter.js';

const MAINTAIN_EVERY_MS = 3_600_000;
/**
 * The first maintenance waits this long after the server listens: run at once, its queries met the first
 * requests of a start (a readiness probe's among them) on the pool and in the database, and PostgreSQL's
 * `serve` answered its first `/healthz` 30-60 ms later (medians of 9 starts on the bench's store, alternating).
 */
export const FIRST_MAINTENANCE_AFTER_MS = 1_000;

export interface MaintenanceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * A second after listening, then every hour: deletes raw events past the retention period (rollups, and so
 * every answer, stay) and forgets request counts that no longer count against any budget. Returns its stop,
 * which resolves once a maintenance under way has stopped: its prune stops before its next chunk, so the
 * store is closed after it, not under it (closed first, the prune failed and logged an error at every
 * shutdown that came during one).
 */
export function scheduleMaintenance(
  ingestion: { prune(signal?: AbortSignal): Promise<number> },
  rateLimiter: Pick<RateLimiter, 'maintain'> | undefined,
  logger: MaintenanceLogger,
): () => Promise<void> {
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  const maintain = async () => {
    try {
      const deleted = await ingestion.prune(stopping.signal);
      if (deleted > 0) logger.info({ deleted }, 'pruned raw events older than the retention period');
      if (!stopping.signal.aborted) await rateLimiter?.maintain();
    } catch (error) {
      if (error instanceof StoreUnavailableError)
        logger.warn(
          { cause: error.cause },
          'the database cannot serve now: hourly maintenance is tried again in an hour',
        );
      else logger.error({ err: error }, 'hourly maintenance failed; it is tried again in an hour');
    }
  };
  const start = () => {
    // One at a time: an hour's maintenance that finds the last one still running leaves it be.
    running ??= maintain().finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(start, FIRST_MAINTENANCE_AFTER_MS).unref();
  const hourly = setInterval(start, MAINTAIN_EVERY_MS).unref();
  return async () => {
    clearTimeout(first);
    clearInterval(hourly);
    stopping.abort();
    await running;
  };
}
