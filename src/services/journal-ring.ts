import type {
  AnsweredParts,
  DeferredJournalRecord,
  JournalEntry,
  JournalQuery,
  JournalRecord,
} from './request-journal.js';

/**
 * The journal's entries, oldest first, in columns: typed arrays for the numbers and arrays of references for
 * the text, reused slot by slot as the oldest entries go. A deferred record's parts are copied in and the
 * record itself is not kept, so an entry is no object of its own. Kept as objects, a thousand entries each
 * outlived several of the young generation's collections and was copied into the old generation, to die there:
 * about 3 µs of a replayed answer's 19 (BENCHMARKS.md, "The journal in columns"; docs/architecture.md,
 * "Answer replay"). An entry recorded already made (`JournalRecord`) is kept as given.
 */
export interface JournalRing {
  readonly count: number;
  /** Bytes of the kept entries, as recorded (a deferred entry's upper bound). */
  readonly bytes: number;
  push(record: JournalRecord | DeferredJournalRecord, bytes: number): void;
  /** The bytes of the oldest entry, as recorded; 0 when there is none. */
  readonly oldestBytes: number;
  dropOldest(): void;
  /**
   * Drops the oldest entry and keeps `record` as the newest. With every slot taken, as in a full journal at
   * every answer, the record is written over the oldest's slot at once: dropping it first cleared each of its
   * columns only to write them again (BENCHMARKS.md, "The replay's own work, cut again").
   */
  replaceOldest(record: JournalRecord | DeferredJournalRecord, bytes: number): void;
  clear(): void;
  /** The entry `index` places after the oldest, numbered `seq`. */
  entryAt(index: number, seq: number): JournalEntry;
  matchesAt(index: number, query: JournalQuery): boolean;
}

type Make = DeferredJournalRecord['make'];

/** Slots made at first; the columns double as entries are kept, up to `maxEntries`. */
const FIRST_CAPACITY = 64;

export function journalRing(maxEntries: number): JournalRing {
  /** The oldest entry's slot. */
  let first = 0;
  let count = 0;
  let bytesKept = 0;
  let columns = makeColumns(0);
  /** Slots made: every column's length. */
  const capacity = () => columns.bytes.length;

  const slotOf = (index: number) => (first + index) % capacity();
  const grow = () => {
    const next = makeColumns(Math.min(maxEntries, Math.max(FIRST_CAPACITY, capacity() * 2)));
    for (let index = 0; index < count; index++) copySlot(columns, slotOf(index), next, index);
    columns = next;
    first = 0;
  };

  const push = (record: JournalRecord | DeferredJournalRecord, bytes: number) => {
    if (count === capacity()) grow();
    const slot = slotOf(count);
    count++;
    bytesKept += bytes;
    writeSlot(columns, slot, record, bytes);
  };
  const dropOldest = () => {
    if (count === 0) return;
    bytesKept -= columns.bytes[first] ?? 0;
    clearSlot(columns, first);
    first = (first + 1) % capacity();
    count--;
  };

  return {
    get count() {
      return count;
    },
    get bytes() {
      return bytesKept;
    },
    push,
    get oldestBytes() {
      return count === 0 ? 0 : (columns.bytes[first] ?? 0);
    },
    dropOldest,
    replaceOldest(record, bytes) {
      if (count === 0 || count < capacity()) {
        dropOldest();
        push(record, bytes);
        return;
      }
      const slot = first;
      first = (first + 1) % capacity();
      bytesKept += bytes - (columns.bytes[slot] ?? 0);
      writeSlot(columns, slot, record, bytes);
    },
    clear() {
      columns = makeColumns(0);
      first = 0;
      count = 0;
      bytesKept = 0;
    },
    entryAt(index, seq) {
      const slot = slotOf(index);
      const made = columns.made[slot];
      if (made !== undefined) return { seq, ...made };
      // Made once, on its first read, and kept made for the next.
      const make = columns.make[slot] as Make;
      const entry = make(partsAt(columns, slot));
      columns.made[slot] = entry;
      return { seq, ...entry };
    },
    matchesAt(index, query) {
      const slot = slotOf(index);
      const made = columns.made[slot];
      return (
        oneOf(query.operations, made === undefined ? columns.operation[slot] : made.operation) &&
        oneOf(query.keyIds, made === undefined ? columns.keyId[slot] : made.keyId) &&
        oneOf(query.statuses, made === undefined ? columns.status[slot] : made.status) &&
        oneOf(query.methods, made === undefined ? columns.method[slot] : made.method)
      );
    },
  };
}

interface Columns {
  readonly bytes: Float64Array;
  readonly status: Uint16Array;
  readonly elapsedMs: Float64Array;
  readonly arrivedAt: Float64Array;
  readonly method: Array<string | undefined>;
  readonly url: Array<string | undefined>;
  readonly keyId: Array<string | undefined>;
  readonly operation: Array<string | undefined>;
  readonly requestId: Array<string | undefined>;
  readonly extras: Array<AnsweredParts['extras']>;
  readonly make: Array<Make | undefined>;
  readonly made: Array<JournalRecord | undefined>;
  /** The columns above that hold references, in REFERENCE_COLUMNS' order, to be cleared without naming each. */
  readonly references: ReadonlyArray<unknown[]>;
}

const REFERENCE_COLUMNS = [
  'method',
  'url',
  'keyId',
  'operation',
  'requestId',
  'extras',
  'make',
  'made',
] as const;
const NUMBER_COLUMNS = ['bytes', 'status', 'elapsedMs', 'arrivedAt'] as const;

function makeColumns(capacity: number): Columns {
  const references = () => new Array(capacity).fill(undefined);
  const columns = {
    bytes: new Float64Array(capacity),
    status: new Uint16Array(capacity),
    elapsedMs: new Float64Array(capacity),
    arrivedAt: new Float64Array(capacity),
    method: references(),
    url: references(),
    keyId: references(),
    operation: references(),
    requestId: references(),
    extras: references(),
    make: references(),
    made: references(),
  };
  return Object.assign(columns, { references: REFERENCE_COLUMNS.map((name) => columns[name]) });
}

function copySlot(from: Columns, fromSlot: number, to: Columns, toSlot: number): void {
  for (const name of NUMBER_COLUMNS) to[name][toSlot] = from[name][fromSlot] ?? 0;
  for (const name of REFERENCE_COLUMNS) (to[name] as unknown[])[toSlot] = from[name][fromSlot];
}

/**
 * A gone entry's text is let go at once, not when its slot is reused (a full journal's next record takes the
 * oldest's slot without it: `replaceOldest`). Through `references`, since a column looked up by a name held in
 * a variable is a megamorphic load and store each, about 1,000 of a replayed 91 KB answer's 92,000
 * instructions (BENCHMARKS.md, "Instructions of a replayed answer").
 */
function clearSlot(columns: Columns, slot: number): void {
  for (const column of columns.references) column[slot] = undefined;
}

/** Writes every column of `slot`, whatever it held: a made record's parts are cleared, a deferred one's `made`. */
function writeSlot(
  columns: Columns,
  slot: number,
  record: JournalRecord | DeferredJournalRecord,
  bytes: number,
) {
  columns.bytes[slot] = bytes;
  if (!('make' in record)) {
    clearSlot(columns, slot);
    columns.made[slot] = record;
    return;
  }
  const { parts } = record;
  columns.make[slot] = record.make;
  columns.made[slot] = undefined;
  columns.method[slot] = parts.method;
  columns.url[slot] = parts.url;
  columns.status[slot] = parts.status;
  columns.elapsedMs[slot] = parts.elapsedMs;
  columns.arrivedAt[slot] = parts.arrivedAt;
  columns.keyId[slot] = parts.keyId;
  columns.operation[slot] = parts.operation;
  columns.requestId[slot] = parts.requestId;
  columns.extras[slot] = parts.extras;
}

function partsAt(columns: Columns, slot: number): AnsweredParts {
  return {
    method: columns.method[slot] as string,
    url: columns.url[slot] as string,
    status: columns.status[slot] ?? 0,
    elapsedMs: columns.elapsedMs[slot] ?? 0,
    arrivedAt: columns.arrivedAt[slot] ?? 0,
    keyId: columns.keyId[slot],
    operation: columns.operation[slot],
    requestId: columns.requestId[slot] as string,
    extras: columns.extras[slot],
  };
}

function oneOf<T>(wanted: readonly T[] | undefined, value: T | undefined): boolean {
  return wanted === undefined || (value !== undefined && wanted.includes(value));
}
