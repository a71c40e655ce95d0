import { StoreUnavailableError } from '../domain/store-problems.js';
import type { RateLimiter } from '../services/rate-limiter.js';

const MAINTAIN_EVERY_MS = 3_600_000;
/**
 * The first maintenance waits this long after the server listens: run at once, its queries met the first
 * requests of a start (a readiness probe's among them) on the pool and in the database, and PostgreSQL's
 * `serve` answered its first `/healthz` 30-60 ms later (medians of 9 starts on the bench's store, alternating).
 */
const FIRST_MAINTENANCE_AFTER_MS = 1_000;

/**
 * A second after listening, then every hour: deletes raw events past the retention period (rollups, and so
 * every answer, stay) and forgets request counts that no longer count against any budget. Returns its stop.
 */
export function scheduleMaintenance(
  ingestion: { prune(): Promise<number> },
  rateLimiter: RateLimiter | undefined,
  logger: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  },
) {
  const maintain = async () => {
    try {
      const deleted = await ingestion.prune();
      if (deleted > 0) logger.info({ deleted }, 'pruned raw events older than the retention period');
      await rateLimiter?.maintain();
    } catch (error) {
      if (error instanceof StoreUnavailableError)
        logger.warn(
          { cause: error.cause },
          'the database cannot serve now: hourly maintenance is tried again in an hour',
        );
      else logger.error({ err: error }, 'hourly maintenance failed; it is tried again in an hour');
    }
  };
  const first = setTimeout(maintain, FIRST_MAINTENANCE_AFTER_MS).unref();
  const hourly = setInterval(maintain, MAINTAIN_EVERY_MS).unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}
