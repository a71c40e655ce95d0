import { describe, expect, it } from 'vitest';
import { clipBody, type JournalRecord, requestJournal } from './request-journal.js';

function request(overrides: Partial<JournalRecord> = {}): JournalRecord {
  return {
    at: '2023-10-05T12:00:00.000Z',
    method: 'GET',
    path: '/v1/apps',
    query: [],
    status: 200,
    durationMs: 1.5,
    keyId: 'KEY1',
    operation: 'apps_getCollection',
    requestId: 'r',
    ...overrides,
  };
}

const seqs = (page: { entries: ReadonlyArray<{ seq: number }> }) => page.entries.map((entry) => entry.seq);

describe('the request journal', () => {
  it('numbers entries from 1 and reads the newest last', () => {
    const journal = requestJournal();
    for (let i = 0; i < 3; i++) journal.record(request({ requestId: `r${i}` }));
    const page = journal.read({ limit: 100 });
    expect(page.entries.map((entry) => [entry.seq, entry.requestId])).toEqual([
      [1, 'r0'],
      [2, 'r1'],
      [3, 'r2'],
    ]);
    expect(page.nextSince).toBe(3);
  });

  it('drops the oldest entries beyond its count', () => {
    const journal = requestJournal({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) journal.record(request());
    expect(seqs(journal.read({ limit: 100 }))).toEqual([3, 4, 5]);
  });

  it('drops the oldest entries beyond its bytes, bodies counted', () => {
    const one = Buffer.byteLength(JSON.stringify({ seq: 1, ...request({ responseBody: 'x'.repeat(1000) }) }));
    const journal = requestJournal({ maxBytes: one * 3 + 10 });
    for (let i = 0; i < 3; i++) journal.record(request({ responseBody: 'x'.repeat(1000) }));
    expect(seqs(journal.read({ limit: 100 }))).toEqual([1, 2, 3]);
    journal.record(request({ responseBody: 'y'.repeat(2000) }));
    // The fourth needs the room of two: the two oldest go.
    expect(seqs(journal.read({ limit: 100 }))).toEqual([3, 4]);
    for (let i = 0; i < 50; i++) journal.record(request());
    expect(journal.read({ limit: 1000 }).entries.length).toBeLessThan(54);
  });

  it('keeps nothing with a count of 0, and still numbers', () => {
    const journal = requestJournal({ maxEntries: 0 });
    journal.record(request());
    expect(journal.read({ limit: 10 })).toEqual({ entries: [], nextSince: 1 });
  });

  it('stays correct over many drops (the ring compacts)', () => {
    const journal = requestJournal({ maxEntries: 10 });
    for (let i = 0; i < 5000; i++) journal.record(request());
    expect(seqs(journal.read({ limit: 100 }))).toEqual([
      4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000,
    ]);
  });

  it('filters with AND between parameters and OR within a list', () => {
    const journal = requestJournal();
    journal.record(request({ status: 200 }));
    journal.record(request({ status: 429, errorCodes: ['RATE_LIMIT_EXCEEDED'] }));
    journal.record(request({ status: 429, keyId: 'KEY2' }));
    journal.record(request({ operation: 'apps_getInstance', status: 404 }));
    journal.record(request({ method: 'POST', operation: undefined, keyId: undefined, status: 401 }));
    expect(seqs(journal.read({ statuses: [429], limit: 10 }))).toEqual([2, 3]);
    expect(seqs(journal.read({ statuses: [429], keyIds: ['KEY1'], limit: 10 }))).toEqual([2]);
    expect(seqs(journal.read({ statuses: [200, 404], limit: 10 }))).toEqual([1, 4]);
    expect(seqs(journal.read({ operations: ['apps_getInstance', 'x'], limit: 10 }))).toEqual([4]);
    expect(seqs(journal.read({ keyIds: ['KEY2', 'KEY1'], limit: 10 }))).toEqual([1, 2, 3, 4]);
    expect(seqs(journal.read({ methods: ['POST'], limit: 10 }))).toEqual([5]);
    expect(seqs(journal.read({ operations: ['apps_getCollection'], limit: 10 }))).toEqual([1, 2, 3]);
  });

  it('reads the newest `limit` without since, the oldest after since with it', () => {
    const journal = requestJournal();
    for (let i = 0; i < 10; i++) journal.record(request({ status: i % 2 === 0 ? 200 : 404 }));
    expect(journal.read({ limit: 3 })).toMatchObject({ nextSince: 10 });
    expect(seqs(journal.read({ limit: 3 }))).toEqual([8, 9, 10]);
    expect(seqs(journal.read({ since: 2, limit: 3 }))).toEqual([3, 4, 5]);
    expect(journal.read({ since: 2, limit: 3 }).nextSince).toBe(5);
    // Fewer than asked: everything up to the last number was seen.
    expect(journal.read({ since: 5, statuses: [200], limit: 10 })).toMatchObject({ nextSince: 10 });
    expect(seqs(journal.read({ since: 5, statuses: [200], limit: 10 }))).toEqual([7, 9]);
    expect(journal.read({ since: 10, limit: 10 })).toEqual({ entries: [], nextSince: 10 });
  });

  it('reads from the start for a since beyond every number (the node restarted)', () => {
    const journal = requestJournal();
    journal.record(request());
    journal.record(request());
    expect(seqs(journal.read({ since: 500, limit: 10 }))).toEqual([1, 2]);
  });

  it('clears, and numbers on from where it was', () => {
    const journal = requestJournal();
    journal.record(request());
    journal.record(request());
    journal.clear();
    expect(journal.read({ limit: 10 })).toEqual({ entries: [], nextSince: 2 });
    journal.record(request());
    expect(seqs(journal.read({ since: 2, limit: 10 }))).toEqual([3]);
  });
});

describe('clipBody', () => {
  it('keeps a short body whole', () => {
    expect(clipBody('{"a":1}', 100)).toBe('{"a":1}');
  });

  it('cuts a long one at a character and says how long it was', () => {
    expect(clipBody('abcdef', 4)).toBe('abcd…[truncated: 6 bytes in all]');
    // "é" is two bytes: cutting after 3 bytes would split the second one.
    expect(clipBody('aéé', 4)).toBe('aé…[truncated: 5 bytes in all]');
  });
});
