/**
 * The request journal: the last requests this node answered, kept in its memory so a test of a tool built on
 * the API can ask "did my tool call X with these parameters?" (README, "Request journal"). Bounded twice, by
 * entries and by bytes, the oldest dropped first; sequence numbers only ever grow, so a reader that polls with
 * `since` sees every entry once, across clears. Nothing here knows HTTP: the edge (http/journal/) says what an
 * entry holds and keeps secrets out of it.
 */
import { journalRing } from './journal-ring.js';

/** One answered (or aborted) request. */
export interface JournalEntry {
  /** 1, 2, 3... in the order entries were recorded; never reused, not even after `clear`. */
  readonly seq: number;
  /** When the request arrived, ISO 8601 UTC. */
  readonly at: string;
  readonly method: string;
  /** The path as sent, without the query. */
  readonly path: string;
  /** The query as pairs in the client's order, decoded; sign-in tokens are redacted by the edge. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** The HTTP status; 499 for a request whose client went away before the answer (`aborted`). */
  readonly status: number;
  readonly durationMs: number;
  /** The API key's id, or the ingest key's id for ingestion: never a token or a key. */
  readonly keyId?: string;
  readonly operation?: string;
  /** The error codes of a 4xx/5xx answer in Apple's shape, each once, in the answer's order. */
  readonly errorCodes?: readonly string[];
  readonly requestId: string;
  readonly aborted?: true;
  readonly requestBody?: string;
  readonly responseBody?: string;
}

export type JournalRecord = Omit<JournalEntry, 'seq'>;

/** An answered request as the edge saw it, without its bodies. */
export interface AnsweredRequest {
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly url: string;
  readonly status: number;
  readonly elapsedMs: number;
  readonly keyId: string | undefined;
  readonly operation: string | undefined;
  readonly requestId: string;
}

/** What an entry may hold beside the request itself: what the edge saw of the answer, and the bodies. */
export interface JournalExtras {
  readonly errorCodes?: readonly string[];
  readonly aborted?: true;
  readonly requestBody?: string;
  readonly responseBody?: string;
}

/** What a deferred entry is made from: the journal keeps these in columns (journal-ring.ts). */
export interface AnsweredParts extends AnsweredRequest {
  /** When the request arrived, ms since the epoch. */
  readonly arrivedAt: number;
  readonly extras: JournalExtras | undefined;
}

/**
 * A record made only if the journal is read: most never are, so the edge's answered requests are kept as they
 * came and their derived text (the path, the decoded query, the ISO time) made on a read, by `make` (one
 * function for every record of a kind, not a closure per record). Making it and measuring its JSON for every
 * answer took about 13 µs of a replayed answer's 81 on a 2-core VM (docs/architecture.md, "Answer replay").
 * `bytes` is an upper bound of the made entry's JSON, counted without making it.
 */
export interface DeferredJournalRecord {
  readonly bytes: number;
  readonly parts: AnsweredParts;
  readonly make: (parts: AnsweredParts) => JournalRecord;
}

export interface JournalLimits {
  /** Entries kept; 0 keeps none (the journal is off). */
  readonly maxEntries: number;
  /** Bytes of all kept entries (as JSON; a deferred one's upper bound) together. */
  readonly maxBytes: number;
  /** Bytes kept of each request and response body; 0 keeps no bodies. */
  readonly bodyBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = {
  maxEntries: 1000,
  maxBytes: 8 * 1024 * 1024,
  bodyBytes: 0,
};
/** What `serve --journal-bodies` keeps of each body when it names no size. */
export const DEFAULT_JOURNAL_BODY_BYTES = 4096;
/** At most this much of one body: a few such entries still fit the byte bound many times over. */
export const MAX_JOURNAL_BODY_BYTES = 1024 * 1024;
export const MAX_JOURNAL_ENTRIES = 1_000_000;
export const MAX_JOURNAL_READ = 1000;

/** Which entries to read. Every list matches any of its values; the lists combine with AND. */
export interface JournalQuery {
  readonly operations?: readonly string[];
  readonly keyIds?: readonly string[];
  readonly statuses?: readonly number[];
  readonly methods?: readonly string[];
  /**
   * Only entries after this sequence number, oldest first; without it, the newest `limit`. One beyond the
   * last number given out (the node restarted) reads from the start.
   */
  readonly since?: number;
  readonly limit: number;
}

export interface JournalPage {
  /** Oldest first. */
  readonly entries: readonly JournalEntry[];
  /** What to pass as `since` next to see only what comes after this page. */
  readonly nextSince: number;
}

export interface RequestJournal {
  readonly limits: JournalLimits;
  record(entry: JournalRecord | DeferredJournalRecord): void;
  read(query: JournalQuery): JournalPage;
  clear(): void;
}

export function requestJournal(limits: Partial<JournalLimits> = {}): RequestJournal {
  const bounds = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  const kept = journalRing(bounds.maxEntries);
  let lastSeq = 0;
  /** The kept entries are numbered one after another, up to the last number given out. */
  const firstSeq = () => lastSeq - kept.count + 1;

  return {
    limits: bounds,
    record(record) {
      lastSeq++;
      if (bounds.maxEntries === 0) return;
      const bytes =
        'make' in record ? record.bytes : Buffer.byteLength(JSON.stringify({ seq: lastSeq, ...record }));
      while (kept.count > 0 && overBounds(bounds, kept.count, kept.bytes + bytes)) {
        // The last entry to go leaves its slot to the record.
        if (kept.count === 1 || !overBounds(bounds, kept.count - 1, kept.bytes - kept.oldestBytes + bytes)) {
          kept.replaceOldest(record, bytes);
          return;
        }
        kept.dropOldest();
      }
      kept.push(record, bytes);
    },
    read(query) {
      const oldest = firstSeq();
      if (query.since === undefined) {
        const found: JournalEntry[] = [];
        for (let index = kept.count - 1; index >= 0 && found.length < query.limit; index--)
          if (kept.matchesAt(index, query)) found.push(kept.entryAt(index, oldest + index));
        return { entries: found.reverse(), nextSince: lastSeq };
      }
      // A `since` past every number given out: this node restarted since the reader's last look, and
      // every entry it holds is new to that reader.
      const since = query.since > lastSeq ? 0 : query.since;
      const found: JournalEntry[] = [];
      for (let index = Math.max(0, since + 1 - oldest); index < kept.count; index++) {
        if (!kept.matchesAt(index, query)) continue;
        const entry = kept.entryAt(index, oldest + index);
        found.push(entry);
        // More may follow: the next read starts after the last one shown.
        if (found.length === query.limit) return { entries: found, nextSince: entry.seq };
      }
      return { entries: found, nextSince: Math.max(since, lastSeq) };
    },
    clear() {
      kept.clear();
    },
  };
}

/**
 * Whether a journal of `count` entries has no room for one more, or `bytes` (its entries' and the next one's)
 * are more than it keeps.
 */
function overBounds(limits: JournalLimits, count: number, bytes: number): boolean {
  return count >= limits.maxEntries || bytes > limits.maxBytes;
}

/**
 * At most `maxBytes` of a body's UTF-8 text; a longer one is cut (never inside a character) and says how
 * long it was, so a reader cannot mistake it for the whole body.
 */
export function clipBody(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back to the start of a character: continuation bytes are 10xxxxxx.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}…[truncated: ${bytes.length} bytes in all]`;
}
