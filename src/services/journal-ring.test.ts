import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnsweredParts,
  type DeferredJournalRecord,
  type JournalEntry,
  type JournalQuery,
  type JournalRecord,
  requestJournal,
} from './request-journal.js';

/** A deferred record whose entry shows every part it was made from. */
function deferred(parts: AnsweredParts, bytes: number): DeferredJournalRecord {
  return {
    bytes,
    parts,
    make: (kept) => ({
      at: new Date(kept.arrivedAt).toISOString(),
      method: kept.method,
      path: kept.url,
      query: [],
      status: kept.status,
      durationMs: kept.elapsedMs,
      ...(kept.keyId !== undefined && { keyId: kept.keyId }),
      ...(kept.operation !== undefined && { operation: kept.operation }),
      requestId: kept.requestId,
      ...(kept.extras?.errorCodes !== undefined && { errorCodes: kept.extras.errorCodes }),
    }),
  };
}

const parts = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE'),
  url: fc.string({ maxLength: 12 }).map((text) => `/v1/${text}`),
  status: fc.constantFrom(200, 201, 404, 429, 499),
  elapsedMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
  arrivedAt: fc.integer({ min: 0, max: 4e12 }),
  keyId: fc.option(fc.constantFrom('K1', 'K2'), { nil: undefined }),
  operation: fc.option(fc.constantFrom('apps_getCollection', 'apps_getInstance'), { nil: undefined }),
  requestId: fc.uuid(),
  extras: fc.option(
    fc.record({ errorCodes: fc.array(fc.constantFrom('NOT_FOUND', 'X'), { maxLength: 2 }) }),
    {
      nil: undefined,
    },
  ),
});

/**
 * Large records and small ones mixed, so that the count climbs past the ring's size after its oldest entries
 * have gone by bytes: the ring grows while wrapped around.
 */
const recordBytes = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 300, max: 900 }));

const plain: AnsweredParts = {
  method: 'GET',
  url: '/v1/apps',
  status: 200,
  elapsedMs: 1,
  arrivedAt: 0,
  keyId: 'K1',
  operation: 'apps_getCollection',
  requestId: 'r1',
  extras: undefined,
};

/** What a step does: record (made or deferred, of some bytes), clear, or read. */
type Step =
  | { readonly kind: 'record'; readonly parts: AnsweredParts; readonly bytes: number; readonly made: boolean }
  | { readonly kind: 'clear' }
  | { readonly kind: 'read'; readonly query: JournalQuery };

const query: fc.Arbitrary<JournalQuery> = fc.record(
  {
    since: fc.integer({ min: 0, max: 400 }),
    limit: fc.integer({ min: 1, max: 50 }),
    statuses: fc.array(fc.constantFrom(200, 404, 429), { minLength: 1, maxLength: 2 }),
    keyIds: fc.array(fc.constantFrom('K1', 'K2'), { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: ['limit'] },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      parts,
      bytes: recordBytes,
      made: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), query }) },
);

/**
 * The journal as its contract says, entries as objects in an array: what the ring's columns must answer alike,
 * through its growth, its wrapping around and its drops by count and by bytes.
 */
function modelJournal(maxEntries: number, maxBytes: number) {
  let kept: { entry: JournalEntry; bytes: number }[] = [];
  let lastSeq = 0;
  const matches = (entry: JournalEntry, q: JournalQuery) =>
    (q.operations === undefined ||
      (entry.operation !== undefined && q.operations.includes(entry.operation))) &&
    (q.keyIds === undefined || (entry.keyId !== undefined && q.keyIds.includes(entry.keyId))) &&
    (q.statuses === undefined || q.statuses.includes(entry.status)) &&
    (q.methods === undefined || q.methods.includes(entry.method));
  return {
    /** `bytes` of a deferred record; a made one is counted as its JSON with its number. */
    record(record: JournalRecord, deferredBytes: number | undefined) {
      lastSeq++;
      if (maxEntries === 0) return;
      const bytes = deferredBytes ?? Buffer.byteLength(JSON.stringify({ seq: lastSeq, ...record }));
      while (
        kept.length > 0 &&
        (kept.length >= maxEntries || kept.reduce((sum, one) => sum + one.bytes, 0) + bytes > maxBytes)
      )
        kept.shift();
      kept.push({ entry: { seq: lastSeq, ...record }, bytes });
    },
    clear() {
      kept = [];
    },
    read(q: JournalQuery) {
      const found = kept.map((one) => one.entry).filter((entry) => matches(entry, q));
      if (q.since === undefined) return { entries: found.slice(-q.limit), nextSince: lastSeq };
      const since = q.since > lastSeq ? 0 : q.since;
      const after = found.filter((entry) => entry.seq > since);
      if (after.length >= q.limit) {
        const page = after.slice(0, q.limit);
        return { entries: page, nextSince: page[page.length - 1]?.seq ?? since };
      }
      return { entries: after, nextSince: Math.max(since, lastSeq) };
    },
  };
}

describe("the journal's ring", () => {
  it('answers every read as a journal of plain entries does, through growth, wrapping and drops', () => {
    fc.assert(
      fc.property(
        // The ring starts at 64 slots: most counts here make it grow.
        fc.oneof(fc.constantFrom(0, 1, 3, 64), fc.integer({ min: 65, max: 300 })),
        fc.integer({ min: 900, max: 40_000 }),
        fc.array(step, { minLength: 100, maxLength: 400, size: 'max' }),
        (maxEntries, maxBytes, steps) => {
          const journal = requestJournal({ maxEntries, maxBytes });
          const model = modelJournal(maxEntries, maxBytes);
          for (const one of steps) {
            if (one.kind === 'clear') {
              journal.clear();
              model.clear();
            } else if (one.kind === 'record') {
              const record = deferred(one.parts, one.bytes);
              const made = record.make(one.parts);
              journal.record(one.made ? made : record);
              model.record(made, one.made ? undefined : one.bytes);
            } else expect(journal.read(one.query)).toEqual(model.read(one.query));
          }
          const everything = { limit: 1_000_000 };
          expect(journal.read(everything)).toEqual(model.read(everything));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its entries in order when it grows after its oldest went by bytes (wrapped around)', () => {
    const journal = requestJournal({ maxEntries: 300, maxBytes: 9000 });
    const record = (i: number, bytes: number) =>
      deferred({ ...plain, url: `/v1/${i}`, requestId: `r${i}` }, bytes);
    let i = 0;
    for (; i < 20; i++) journal.record(record(i, 900));
    for (; i < 200; i++) journal.record(record(i, 1));
    const paths = journal.read({ limit: 1000 }).entries.map((entry) => entry.path);
    // The eleven oldest large ones went to make room; the rest are all there, in order.
    expect(paths).toEqual(Array.from({ length: 189 }, (_, k) => `/v1/${k + 11}`));
  });

  it('keeps the parts of a deferred record, not the object handed to it', () => {
    const journal = requestJournal();
    const handed = { ...plain };
    journal.record(deferred(handed, 300));
    Object.assign(handed, { url: '/v1/other', status: 500, keyId: 'K2', requestId: 'r2' });
    expect(journal.read({ limit: 10 }).entries).toEqual([
      expect.objectContaining({ seq: 1, path: '/v1/apps', status: 200, keyId: 'K1', requestId: 'r1' }),
    ]);
  });
});
