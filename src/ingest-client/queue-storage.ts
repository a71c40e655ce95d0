import type { QueuedEvent } from './types.js';

/**
 * Where the client keeps its queue between runs. `save` gets the whole queue each time, with the screenshots
 * of feedback not uploaded yet as base64 (up to 5 of 5 MiB each): a store with a small quota, like
 * localStorage's ~5 MB, may refuse such a save, which is reported as 'storage' while the queue goes on in memory.
 */
export interface QueueStorage {
  /** The queue last saved, or undefined when there is none. */
  load(): Promise<QueuedEvent[] | undefined>;
  save(events: QueuedEvent[]): Promise<void>;
}

/**
 * A string key-value store: `window.localStorage`, React Native's `AsyncStorage`, or anything shaped alike
 * (sync or async).
 */
export interface KeyValueStore {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
}

export const DEFAULT_QUEUE_KEY = 'beta-metrics-queue';

/** Keeps the queue in memory only: it is lost when the process or page ends. */
export function memoryQueueStorage(): QueueStorage {
  let saved: QueuedEvent[] | undefined;
  return {
    load: async () => (saved === undefined ? undefined : [...saved]),
    save: async (events) => {
      saved = [...events];
    },
  };
}

/**
 * Keeps the queue as JSON under `key` of a key-value store. Give each app its own key when one store holds
 * the queues of several clients.
 */
export function keyValueQueueStorage(store: KeyValueStore, key: string = DEFAULT_QUEUE_KEY): QueueStorage {
  return {
    async load() {
      // Called as methods: localStorage's functions need their `this`.
      const text = await store.getItem(key);
      if (text === null || text === undefined) return undefined;
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new TypeError(`The queue stored under '${key}' is not a JSON array`);
      return parsed.filter(isQueuedEvent);
    },
    async save(events) {
      await store.setItem(key, JSON.stringify(events));
    },
  };
}

const REQUIRED_TEXT = ['id', 'type', 'appId', 'testerId', 'timestamp'] as const;

/**
 * A stored entry the client can send: the required fields are strings, and pending screenshots are base64 texts
 * the client can upload (the server checks the rest).
 */
export function isQueuedEvent(value: unknown): value is QueuedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  const pending = fields.pendingScreenshots;
  return (
    REQUIRED_TEXT.every((name) => typeof fields[name] === 'string') &&
    (pending === undefined || (Array.isArray(pending) && pending.every(isPendingScreenshot)))
  );
}

function isPendingScreenshot(value: unknown): boolean {
  const screenshot = value as { base64?: unknown; contentType?: unknown } | null;
  return (
    typeof screenshot?.base64 === 'string' &&
    (screenshot.contentType === undefined || typeof screenshot.contentType === 'string')
  );
}
