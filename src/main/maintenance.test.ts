import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_MAINTENANCE_AFTER_MS, type MaintenanceLogger, scheduleMaintenance } from './maintenance.js';

function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const logger: MaintenanceLogger = {
    info: (_obj, msg) => lines.push({ level: 'info', msg }),
    warn: (_obj, msg) => lines.push({ level: 'warn', msg }),
    error: (_obj, msg) => lines.push({ level: 'error', msg }),
  };
  return { logger, lines };
}

/** A prune that deletes a chunk whenever the test lets it, and stops between chunks once aborted. */
function steppedPrune() {
  let step: (() => void) | undefined;
  const signals: AbortSignal[] = [];
  let settled = false;
  const prune = async (signal?: AbortSignal) => {
    if (signal !== undefined) signals.push(signal);
    let deleted = 0;
    while (!signal?.aborted) {
      await new Promise<void>((resolve) => {
        step = resolve;
      });
      deleted += 5000;
    }
    settled = true;
    return deleted;
  };
  return {
    prune,
    signals,
    started: () => step !== undefined,
    nextChunk: () => step?.(),
    settled: () => settled,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduleMaintenance', () => {
  it('stops a prune under way before its next chunk, and resolves only once it has stopped', async () => {
    vi.useFakeTimers();
    const ingestion = steppedPrune();
    const rateLimiter = { maintain: vi.fn(async () => {}) };
    const { logger, lines } = recordingLogger();
    const stop = scheduleMaintenance(ingestion, rateLimiter, logger);
    await vi.advanceTimersByTimeAsync(FIRST_MAINTENANCE_AFTER_MS);
    expect(ingestion.started()).toBe(true);

    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(ingestion.signals[0]?.aborted).toBe(true);
    // The chunk in flight still runs to its end before the store may close.
    expect(stopped).toBe(false);
    ingestion.nextChunk();
    await stopping;
    expect(ingestion.settled()).toBe(true);
    expect(lines).toEqual([{ level: 'info', msg: 'pruned raw events older than the retention period' }]);
    // Stopping skips what comes after the prune.
    expect(rateLimiter.maintain).not.toHaveBeenCalled();
    // Nothing more is scheduled after the stop.
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(ingestion.signals).toHaveLength(1);
  });

  it('runs one maintenance at a time: an hour that finds the last still running leaves it be', async () => {
    vi.useFakeTimers();
    const ingestion = steppedPrune();
    const { logger } = recordingLogger();
    const stop = scheduleMaintenance(ingestion, undefined, logger);
    await vi.advanceTimersByTimeAsync(FIRST_MAINTENANCE_AFTER_MS + 3_600_000);
    expect(ingestion.signals).toHaveLength(1);
    const stopping = stop();
    ingestion.nextChunk();
    await stopping;
  });

  it('stops at once when no maintenance is under way, and never prunes after', async () => {
    vi.useFakeTimers();
    const prune = vi.fn(async () => 0);
    const { logger, lines } = recordingLogger();
    await scheduleMaintenance({ prune }, undefined, logger)();
    await vi.advanceTimersByTimeAsync(FIRST_MAINTENANCE_AFTER_MS + 3_600_000);
    expect(prune).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });
});
