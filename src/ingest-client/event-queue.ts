import { IngestClientError } from './ingest-client-error.js';
import { withoutContent } from './queued-content.js';
import type { QueueStorage } from './queue-storage.js';
import type { QueuedEvent } from './types.js';

/** The queue in memory, saved whole to its storage after every change. */
export interface EventQueue {
  /** Settles once the persisted queue has loaded (a failed load is reported and starts empty). */
  readonly ready: Promise<void>;
  size(): number;
  /** The oldest `count` events. */
  head(count: number): QueuedEvent[];
  /** Appends, drops the oldest beyond the limit, and saves. Rejects when saving fails. */
  add(event: QueuedEvent): Promise<void>;
  /** Removes these events (those still queued) and saves. Rejects when saving fails. */
  remove(events: readonly QueuedEvent[]): Promise<void>;
  /** Puts `next` where `queued` (an entry `head` gave) is, and saves: a screenshot's upload is kept. */
  replace(queued: QueuedEvent, next: QueuedEvent): Promise<void>;
}

export function createEventQueue(
  storage: QueueStorage,
  maxQueue: number,
  report: (error: IngestClientError) => void,
): EventQueue {
  let events: QueuedEvent[] = [];
  let saving: Promise<void> = Promise.resolve();

  /**
   * Saves run one after another, each writing the queue as it is when that save starts: a slow save can never
   * land after a later one and bring back events the server has acknowledged.
   */
  const save = (): Promise<void> => {
    const run = saving.then(() => storage.save([...events]));
    saving = run.catch(() => undefined);
    return run;
  };

  const trim = () => {
    if (events.length <= maxQueue) return;
    const dropped = events.slice(0, events.length - maxQueue);
    events = events.slice(dropped.length);
    const message = `The queue holds at most ${maxQueue} events; the oldest ${dropped.length} were dropped`;
    report(new IngestClientError('dropped', message, { events: dropped.map(withoutContent) }));
  };

  const ready = storage.load().then(
    (loaded) => {
      events = loaded ?? [];
      trim();
    },
    (cause: unknown) => {
      report(
        new IngestClientError('storage', `The saved queue could not be loaded: ${reason(cause)}`, { cause }),
      );
    },
  );

  return {
    ready,
    size: () => events.length,
    head: (count) => events.slice(0, count),
    async add(event) {
      await ready;
      events.push(event);
      trim();
      await save();
    },
    async remove(gone) {
      const ids = new Set(gone.map((event) => event.id));
      events = events.filter((event) => !ids.has(event.id));
      await save();
    },
    async replace(queued, next) {
      const at = events.indexOf(queued);
      if (at < 0) return;
      events = [...events.slice(0, at), next, ...events.slice(at + 1)];
      await save();
    },
  };
}

export function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
