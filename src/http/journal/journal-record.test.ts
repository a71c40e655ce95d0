import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnsweredRequest,
  type DeferredJournalRecord,
  requestJournal,
} from '../../services/request-journal.js';
import { journalBytesAtMost, journalRecordOf } from './journal-hooks.js';

const answered: AnsweredRequest = {
  method: 'GET',
  url: '/v1/apps/A1/metrics/betaTesterUsages?limit=5&token=secret&filter%5BbetaTesters%5D=T%201',
  status: 200,
  elapsedMs: 1.26,
  keyId: 'KEY1',
  operation: 'apps_betaTesterUsages_getMetrics',
  requestId: 'r-1',
};

const madeOf = (record: DeferredJournalRecord) => record.make(record.parts);

describe("an answered request's journal record", () => {
  it('is made when read, once, with the decoded query and its credentials redacted', () => {
    const journal = requestJournal();
    const record = journalRecordOf(answered, { errorCodes: ['NOT_FOUND'] });
    let made = 0;
    journal.record({
      ...record,
      make: (parts) => {
        made++;
        return record.make(parts);
      },
    });
    expect(made).toBe(0);
    const [entry] = journal.read({ limit: 10 }).entries;
    journal.read({ limit: 10 });
    expect(made).toBe(1);
    expect(entry).toEqual({
      seq: 1,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      method: 'GET',
      path: '/v1/apps/A1/metrics/betaTesterUsages',
      query: [
        ['limit', '5'],
        ['token', '[REDACTED]'],
        ['filter[betaTesters]', 'T 1'],
      ],
      status: 200,
      durationMs: 1.3,
      keyId: 'KEY1',
      operation: 'apps_betaTesterUsages_getMetrics',
      requestId: 'r-1',
      errorCodes: ['NOT_FOUND'],
    });
  });

  it('counts at least the bytes of its JSON for the targets whose JSON is longest per character', () => {
    // A raw control character in the path is `\u0001` (6 bytes); a pair of one such character is 14 bytes
    // (`["\u0001",""],`) for two characters of the target.
    for (const url of [
      `/${'\u0001'.repeat(2000)}`,
      `/?${'&\u0001'.repeat(1000)}`,
      `/?${'&token='.repeat(300)}`,
    ]) {
      const request = { ...answered, url };
      const json = Buffer.byteLength(JSON.stringify({ seq: 1, ...madeOf(journalRecordOf(request)) }));
      expect(json).toBeGreaterThan(3 * url.length);
      expect(journalBytesAtMost(request, {})).toBeGreaterThanOrEqual(json);
    }
  });

  it('counts at least the bytes of its JSON, whatever the target, key, codes and bodies', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    // Targets with what decodes longest: escapes of control characters, invalid escapes, pairs without values,
    // redacted parameters, non-ASCII text and lone surrogates.
    const target = fc
      .array(
        fc.oneof(
          text,
          fc.constantFrom(
            '%00',
            '%1f',
            '%FF',
            '%',
            '&',
            '=',
            '+',
            '&a',
            'token=',
            '&signature=x',
            '?',
            '%F0%9F%98%80',
          ),
        ),
        { maxLength: 30 },
      )
      .map((parts) => `/${parts.join('')}`);
    fc.assert(
      fc.property(
        target,
        text,
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.array(text, { maxLength: 20 }),
        fc.option(text, { nil: undefined }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (url, requestId, keyId, operation, errorCodes, responseBody, elapsedMs) => {
          const request: AnsweredRequest = {
            method: 'DELETE',
            url,
            status: 499,
            elapsedMs,
            keyId,
            operation,
            requestId,
          };
          const extras = {
            errorCodes,
            aborted: true as const,
            ...(responseBody !== undefined && { requestBody: responseBody, responseBody }),
          };
          const entry = { seq: Number.MAX_SAFE_INTEGER, ...madeOf(journalRecordOf(request, extras)) };
          const json = Buffer.byteLength(JSON.stringify(entry));
          expect(journalBytesAtMost(request, extras)).toBeGreaterThanOrEqual(json);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
