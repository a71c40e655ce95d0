import { describe, expect, it } from 'vitest';
import { expectErrors, FORBIDDEN, getAs, NOT_AUTHORIZED } from '../../../test/support/api-responses.js';
import {
  appWith,
  freshIngestHarnessForEachTest,
  expectIngested,
  type IngestHarness,
  memoryLogger,
  postEvents,
  usageEvent,
} from '../../../test/support/ingest.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const UNKNOWN_TYPE = (type: string) =>
  `'${type}' is not an event type; use one of install, session, crash, feedback, publicLinkView, publicLinkAccept, publicLinkDecline, publicLinkCriteriaNotMet`;

describe('GET /ingest/v1/stats', () => {
  describe('200', () => {
    it('shows an operator what each app accepted, found duplicate and refused, with the reasons', async () => {
      const first = [usageEvent('e1'), usageEvent('e2'), usageEvent('e3', { testerId: 't2' })];
      expectIngested(await postEvents(harness, { events: first }), 3, 0);
      expectIngested(await postEvents(harness, { events: [...first, usageEvent('e4')] }), 1, 3);
      const refused = [
        usageEvent('r1', { type: 'launch' }),
        usageEvent('r2'),
        usageEvent('r3', { timestamp: '2023-10-07T00:00:00Z' }),
      ];
      expect((await postEvents(harness, { events: refused })).statusCode).toBe(400);
      expect(
        (await postEvents(harness, { events: [usageEvent('r4', { testerId: 'nobody' })] })).statusCode,
      ).toBe(400);
      harness.clock.advance(60_000);
      expect(
        (await postEvents(harness, { events: [usageEvent('r5', { type: 'crashed' })] })).statusCode,
      ).toBe(400);
      const other = await harness.services.ingestKeys.create('200');
      const otherEvent = usageEvent('x1', { appId: '200', testerId: 'u1' });
      expectIngested(
        await postEvents(harness, { events: [otherEvent, otherEvent] }, { key: other.key }),
        1,
        1,
      );

      const response = await harness.get('/ingest/v1/stats');

      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json()).toEqual({
        data: [
          {
            appId: '100',
            accepted: 4,
            duplicates: 3,
            // Every event of the three refused batches: none of them was stored.
            rejected: 5,
            refusedBatches: 3,
            reasons: [
              {
                reason: 'ENTITY_ERROR.ATTRIBUTE.INVALID type',
                count: 2,
                lastAt: '2023-10-05T12:01:00.000Z',
                lastDetail: UNKNOWN_TYPE('crashed'),
              },
              {
                reason: 'ENTITY_ERROR.ATTRIBUTE.INVALID timestamp',
                count: 1,
                lastAt: '2023-10-05T12:00:00.000Z',
                lastDetail: 'The event is dated more than 24 hours in the future',
              },
              {
                reason: 'ENTITY_ERROR.RELATIONSHIP.INVALID testerId',
                count: 1,
                lastAt: '2023-10-05T12:00:00.000Z',
                lastDetail:
                  "There is no tester 'nobody' in app '100'; add them with 'beta-metrics testers add'",
              },
            ],
          },
          { appId: '200', accepted: 1, duplicates: 1, rejected: 0, refusedBatches: 0, reasons: [] },
        ],
      });
    });
  });

  describe('200, batches refused before their events are read', () => {
    it('counts and logs every refused batch with its reason: size, media type, unreadable body, sentAt', async () => {
      const { logger, lines } = memoryLogger();
      const app = await appWith(
        harness,
        { ...DEFAULT_INGESTION_LIMITS, maxEvents: 2, maxBytes: 600 },
        logger,
      );
      const post = (payload: object | string, headers: Record<string, string> = {}) =>
        postEvents(harness, payload, { app, headers });
      const one = [usageEvent('a1')];
      expect((await post({ events: [...one, usageEvent('a2'), usageEvent('a3')] })).statusCode).toBe(413);
      expect((await post(JSON.stringify({ events: one, padding: 'x'.repeat(700) }))).statusCode).toBe(413);
      expect((await post('<events/>', { 'content-type': 'application/xml' })).statusCode).toBe(415);
      expect((await post('{"events": [', {})).statusCode).toBe(400);
      expect((await post({ sentAt: 'yesterday', events: one })).statusCode).toBe(400);

      const [stats] = await harness.services.ingestion.stats();
      // Only the batches whose body was read say how many events they held: 3, then 1.
      expect(stats).toMatchObject({ appId: '100', accepted: 0, rejected: 4, refusedBatches: 5 });
      expect(stats?.reasons.map(({ reason, count }) => [reason, count]).sort()).toEqual([
        ['ENTITY_ERROR batch', 1],
        ['ENTITY_ERROR.ATTRIBUTE.INVALID sentAt', 1],
        ['REQUEST_ENTITY_TOO_LARGE batch', 2],
        ['UNSUPPORTED_MEDIA_TYPE batch', 1],
      ]);
      const refused = lines.filter((line) => line.msg === 'batch refused');
      expect(refused).toHaveLength(5);
      expect(refused.every((line) => line.appId === '100')).toBe(true);
    });
  });

  describe('401', () => {
    it('refuses a request without a token, and an ingest key', async () => {
      const bare = await harness.app.inject({ method: 'GET', url: '/ingest/v1/stats' });
      expectErrors(bare, 401, [NOT_AUTHORIZED]);
      expectErrors(await harness.get('/ingest/v1/stats', { authorization: `Bearer ${harness.key}` }), 401, [
        NOT_AUTHORIZED,
      ]);
    });
  });

  describe('403', () => {
    it.each(['DEVELOPER', 'APP_MANAGER'])('refuses a %s key: operators only', async (role) => {
      expectErrors(await getAs(harness, await harness.createKey(role), '/ingest/v1/stats'), 403, [FORBIDDEN]);
    });
  });
});

describe('the server log', () => {
  it('says what each batch did, with the app and the reasons, and never the key', async () => {
    const { logger, lines, raw } = memoryLogger();
    const app = await appWith(harness, DEFAULT_INGESTION_LIMITS, logger);
    try {
      const post = (events: unknown[], key = harness.key) => postEvents(harness, { events }, { app, key });
      expectIngested(await post([usageEvent('e1'), usageEvent('e1'), usageEvent('e2')]), 2, 1);
      expect(
        (await post([usageEvent('e3', { type: 'launch' }), usageEvent('e4', { id: '' })])).statusCode,
      ).toBe(400);
      expect((await post([usageEvent('e5')], 'bmi_notARealKeyButSecretAnyway')).statusCode).toBe(401);

      expect(lines.filter((line) => line.msg === 'events ingested')).toEqual([
        expect.objectContaining({ level: 30, appId: '100', events: 3, accepted: 2, duplicates: 1 }),
      ]);
      expect(lines.filter((line) => line.msg === 'batch refused')).toEqual([
        expect.objectContaining({
          level: 40,
          appId: '100',
          events: 2,
          problems: 2,
          reasons: [
            `ENTITY_ERROR.ATTRIBUTE.INVALID: ${UNKNOWN_TYPE('launch')}`,
            "ENTITY_ERROR.ATTRIBUTE.REQUIRED: You must provide a value for the attribute 'id' with this request",
          ],
        }),
      ]);
      expect(lines.filter((line) => line.msg === 'ingest key refused')).toEqual([
        expect.objectContaining({ authFailure: 'UNKNOWN_INGEST_KEY' }),
      ]);
      expect(raw.length).toBeGreaterThan(3);
      for (const line of raw) {
        expect(line).not.toContain(harness.key);
        expect(line).not.toContain(harness.key.slice(4));
        expect(line).not.toContain('notARealKeyButSecretAnyway');
      }
    } finally {
      await app.close();
    }
  });
});
