import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';
import { createApp } from '../main/create-app.js';
import { inMemoryRateLimiter } from '../services/rate-limiter.js';
import { type RequestJournal, requestJournal } from '../services/request-journal.js';
import { fixedBaseUrl } from './links.js';
import type { ReplayChecks } from './metrics.js';

/**
 * The answer replay (answer-replay.ts) over real sockets, on both stores: a repeated read answered without
 * Fastify is the answer Fastify gives (`inject` never replays), headers in the same order, journal entries,
 * request metrics and log lines alike; and everything that decides an answer is checked again each time.
 */

const APP = '1000000001';
const TESTERS = ['tester-a', 'tester-b', 'tester-c'];
const READS = [
  `/v1/apps/${APP}/metrics/betaTesterUsages?period=P365D&limit=2&groupBy=betaTesters`,
  `/v1/apps/${APP}/metrics/betaTesterUsages?filter%5BbetaTesters%5D=tester-b`,
  `/v1/apps/${APP}`,
  `/v1/apps/${APP}?fields%5Bapps%5D=name,bundleId`,
  `/v1/betaTesters/tester-a/metrics/betaTesterUsages?filter%5Bapps%5D=${APP}`,
];

interface Served {
  readonly harness: Harness;
  readonly app: FastifyInstance;
  readonly port: number;
  readonly journal: RequestJournal;
  readonly logLines: Record<string, unknown>[];
}

let served: Served | undefined;
afterEach(async () => {
  await served?.app.close();
  await served?.harness.close();
  served = undefined;
});

async function serve(
  options: { rateLimit?: number; allowFaults?: boolean; replayBytes?: number } = {},
): Promise<Served> {
  const harness = await createHarness({ rateLimit: 0, ...(options.allowFaults && { allowFaults: true }) });
  await seedApp(
    harness.store,
    APP,
    TESTERS.map((id, n) => ({ id, sessions: n + 1 })),
  );
  const journal = requestJournal();
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  const app = createApp({
    services: harness.services,
    baseUrl: fixedBaseUrl('https://api.appstoreconnect.apple.com'),
    journal,
    logger,
    ...(options.rateLimit !== undefined && {
      rateLimiter: inMemoryRateLimiter(options.rateLimit, harness.clock),
    }),
    ...(options.allowFaults && { faults: { maxLatencyMs: 1000, clock: harness.clock } }),
    ...(options.replayBytes !== undefined && { answerReplayBytes: options.replayBytes }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  served = { harness, app, port: (app.server.address() as AddressInfo).port, journal, logLines };
  return served;
}

interface Answer {
  readonly status: number;
  /** Header names and values in the order sent. */
  readonly rawHeaders: readonly string[];
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function get(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          rawHeaders: response.rawHeaders,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** GET /metrics's count of replayed answers: those whose checks read `checked`, or all. */
async function replayedCount(port: number, checked?: ReplayChecks): Promise<number> {
  const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  const count = (from: ReplayChecks) =>
    sampleValue(samples, 'beta_metrics_http_replayed_answers_total', { checked: from }) ?? 0;
  return checked === undefined ? count('memory') + count('store') : count(checked);
}

/** GET /metrics's count of the answers `cache` keeps. */
async function keptAnswers(port: number, cache: 'pages' | 'replay'): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return sampleValue(parsePrometheusText(text), 'beta_metrics_kept_answers', { cache });
}

/** Header names in order, with the values that are the same for every answer of one request. */
function headerShape(answer: Answer): string[] {
  const shape: string[] = [];
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    const name = (answer.rawHeaders[i] ?? '').toLowerCase();
    const value = answer.rawHeaders[i + 1] ?? '';
    shape.push(['date', 'x-request-id', 'x-rate-limit'].includes(name) ? name : `${name}: ${value}`);
  }
  return shape;
}

describe('a repeated read', () => {
  it('is answered as Fastify answers it: status, headers in order, bytes, journal, metrics and log lines', async () => {
    const { harness, app, port, journal, logLines } = await serve({ rateLimit: 100 });
    const authorization = `Bearer ${await harness.token()}`;
    let remaining = 100;
    for (const path of READS) {
      const byFastify = await app.inject({ method: 'GET', url: path, headers: { authorization } });
      remaining--;
      const first = await get(port, path, { authorization });
      remaining--;
      const before = await replayedCount(port, 'memory');
      const again = await get(port, path, { authorization, 'x-request-id': 'mine-1' });
      remaining--;
      // Every check answered from what the store keeps (storage/kept-reads.ts).
      expect(await replayedCount(port, 'memory'), path).toBe(before + 1);

      expect(first.status, path).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body).toBe(byFastify.body);
      expect(again.body).toBe(first.body);
      expect(headerShape(again)).toEqual(headerShape(first));
      expect(again.headers['x-request-id']).toBe('mine-1');
      expect(again.headers['x-rate-limit']).toBe(`user-hour-lim:100;user-hour-rem:${remaining};`);

      const [firstEntry, againEntry] = journal.read({ limit: 2 }).entries;
      const comparable = (entry: object | undefined) => {
        const { seq, at, durationMs, requestId, ...rest } = entry as Record<string, unknown>;
        return rest;
      };
      expect(comparable(againEntry)).toEqual(comparable(firstEntry));
      expect(againEntry?.requestId).toBe('mine-1');
      expect(againEntry?.keyId).toBe(harness.admin.keyId);
    }

    const metrics = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const counted = sampleValue(metrics, 'beta_metrics_http_requests_total', {
      method: 'GET',
      route: '/v1/apps/:id',
      status: '200',
    });
    // inject, first and again, for each of the two reads of the app.
    expect(counted).toBe(6);

    const replayedLines = logLines.filter((line) => line.requestId === 'mine-1').slice(-2);
    // The last ordinary request of the last read came over a socket (an injected one has no remotePort).
    const ordinaryId = logLines.findLast(
      (line) =>
        line.requestId !== 'mine-1' && (line.req as { url?: string } | undefined)?.url === READS.at(-1),
    )?.requestId;
    const ordinaryLines = logLines.filter((line) => line.requestId === ordinaryId);
    const shapeOf = (line: Record<string, unknown>) => ({
      msg: line.msg,
      level: line.level,
      keys: Object.keys(line).sort(),
      req: line.req === undefined ? undefined : Object.keys(line.req as object).sort(),
      res: line.res,
    });
    expect(ordinaryLines.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    expect(replayedLines.map(shapeOf)).toEqual(ordinaryLines.map(shapeOf));
  });

  it('is not replayed once a write changed what it answers, on any route', async () => {
    const { harness, port } = await serve();
    const authorization = `Bearer ${await harness.token()}`;
    const before = await Promise.all(READS.map((path) => get(port, path, { authorization })));
    await harness.store.appendUsageEvents(
      ['tester-a', 'tester-b'].map((testerId) => ({
        id: `replay-write-${testerId}`,
        appId: APP,
        testerId,
        type: 'session' as const,
        occurredAt: '2023-10-04T10:00:00.000Z',
        receivedAt: '2023-10-04T10:00:00.000Z',
      })),
    );
    await harness.store.updateApp(APP, { name: 'Renamed by the test' });
    const replayed = await replayedCount(port);
    for (const [n, path] of READS.entries()) {
      const after = await get(port, path, { authorization });
      const byFastify = await harness.get(path, { authorization });
      expect(after.body, path).toBe(byFastify.body);
      expect(after.body, path).not.toBe(before[n]?.body);
    }
    expect(await replayedCount(port)).toBe(replayed);
  });

  it("drops every kept answer of a path once a check finds its data changed, the pages' and the replay's", async () => {
    const { harness, port } = await serve();
    const authorization = `Bearer ${await harness.token()}`;
    const [first, second] = [READS[0] as string, READS[1] as string];
    await get(port, first, { authorization });
    await get(port, second, { authorization });
    expect(await keptAnswers(port, 'pages')).toBe(2);
    expect(await keptAnswers(port, 'replay')).toBe(2);
    await harness.store.appendUsageEvents([
      {
        id: 'replay-retire',
        appId: APP,
        testerId: 'tester-a',
        type: 'session',
        occurredAt: '2023-10-04T10:00:00.000Z',
        receivedAt: '2023-10-04T10:00:00.000Z',
      },
    ]);
    // Only the first page is asked again: the second's answers, made before the write, go with the first's.
    const after = await get(port, first, { authorization });
    expect(after.body).toBe((await harness.get(first, { authorization })).body);
    expect(await keptAnswers(port, 'pages')).toBe(1);
    expect(await keptAnswers(port, 'replay')).toBe(1);
  });

  it('checks the token every time: a revoked key is refused, another key gets its own answer', async () => {
    const { harness, port } = await serve();
    const other = await harness.createKey('DEVELOPER');
    const path = READS[0] as string;
    const authorization = `Bearer ${await harness.token()}`;
    await get(port, path, { authorization });
    expect((await get(port, path, { authorization })).status).toBe(200);

    const replayed = await replayedCount(port);
    expect((await get(port, path, { authorization: `Bearer ${await harness.token(other)}` })).status).toBe(
      200,
    );
    expect(await replayedCount(port)).toBe(replayed);

    await harness.services.apiKeys.revoke(harness.admin.keyId);
    const refused = await get(port, path, { authorization });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).errors[0].code).toBe('NOT_AUTHORIZED');
    expect((await get(port, path, { authorization: 'Bearer not.a.token' })).status).toBe(401);
  });

  it('spends the budget once: the request over it is answered 429 by the ordinary path', async () => {
    const { harness, port } = await serve({ rateLimit: 3 });
    const authorization = `Bearer ${await harness.token()}`;
    const path = READS[2] as string;
    const answers = [];
    for (let n = 0; n < 4; n++) answers.push(await get(port, path, { authorization }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers['x-rate-limit'])).toEqual([
      'user-hour-lim:3;user-hour-rem:2;',
      'user-hour-lim:3;user-hour-rem:1;',
      'user-hour-lim:3;user-hour-rem:0;',
      'user-hour-lim:3;user-hour-rem:0;',
    ]);
    expect(JSON.parse(answers[3]?.body ?? '{}').errors[0].code).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('leaves faults to the ordinary path: a rule set, or a fault asked for', async () => {
    const { harness, port } = await serve({ allowFaults: true });
    const testing = await harness.services.apiKeys.create({ name: 'tests', role: 'ADMIN', testing: true });
    const authorization = `Bearer ${await harness.token(testing)}`;
    const path = READS[2] as string;
    await get(port, path, { authorization });
    const asked = await get(port, path, { authorization, 'x-beta-metrics-fault': 'status=503' });
    expect(asked.status).toBe(503);

    const rule = await fetch(`http://127.0.0.1:${port}/_beta-metrics/faults`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { status: 500 }, match: { operation: 'apps_getInstance' }, when: {} }),
    });
    expect(rule.status).toBe(201);
    expect((await get(port, path, { authorization })).status).toBe(500);
  });

  it("is checked from memory on every replayable route, and by the store's reads when memory cannot decide", async () => {
    const { harness, port } = await serve();
    await harness.store.createBetaGroup(
      { id: 'g1', appId: APP, name: 'Group', isInternal: false, createdAt: '2023-01-01T00:00:00.000Z' },
      ['tester-a', 'tester-b'],
    );
    await harness.store.createBuild({
      id: 'b1',
      appId: APP,
      version: '7',
      uploadedAt: '2023-09-01T00:00:00.000Z',
    });
    const authorization = `Bearer ${await harness.token()}`;
    const paths = [
      '/v1/betaGroups/g1/metrics/betaTesterUsages?groupBy=betaTesters',
      '/v1/betaGroups/g1/metrics/publicLinkUsages',
      '/v1/builds/b1/metrics/betaBuildUsages',
      ...READS,
    ];
    for (const path of paths) {
      const first = await get(port, path, { authorization });
      expect(first.status, path).toBe(200);
      // A group's version is kept once its app's is too, which the first repeat's reads keep.
      expect((await get(port, path, { authorization })).body, path).toBe(first.body);
      const [memory, store] = [await replayedCount(port, 'memory'), await replayedCount(port, 'store')];
      expect((await get(port, path, { authorization })).body, path).toBe(first.body);
      expect(await replayedCount(port, 'memory'), path).toBe(memory + 1);
      // A token with a scope is checked against the request by the ordinary verification, which reads the
      // store: the same answer, its checks read from the store.
      const scoped = `Bearer ${await harness.token(harness.admin, { scope: [`GET ${path}`] })}`;
      const again = await get(port, path, { authorization: scoped });
      expect(again.body, path).toBe(first.body);
      expect(await replayedCount(port, 'store'), path).toBe(store + 1);
      expect(await replayedCount(port, 'memory'), path).toBe(memory + 1);
    }
  });

  it("is not replayed from memory once the report date moves on: the path's kept answers go", async () => {
    const { harness, port } = await serve();
    const authorization = `Bearer ${await harness.token()}`;
    const [first, second] = [READS[0] as string, READS[1] as string];
    const before = await get(port, first, { authorization });
    await get(port, second, { authorization });
    expect((await get(port, first, { authorization })).body).toBe(before.body);
    const replayed = await replayedCount(port);
    // The app's version is still kept; the report date, part of every answer's freshness, is a day later.
    harness.reportClock.advance(24 * 3_600_000);
    const after = await get(port, first, { authorization });
    expect(await replayedCount(port)).toBe(replayed);
    expect(after.body).toBe((await harness.get(first, { authorization })).body);
    expect(after.body).not.toBe(before.body);
    expect(await keptAnswers(port, 'replay')).toBe(1);
    expect(await keptAnswers(port, 'pages')).toBe(1);
  });

  it('keeps answers within its bytes, and one per host asked', async () => {
    const { harness, port } = await serve({ replayBytes: 4096 });
    const authorization = `Bearer ${await harness.token()}`;
    const path = READS[2] as string;
    await get(port, path, { authorization });
    let replayed = await replayedCount(port);
    await get(port, path, { authorization, host: 'elsewhere.example' });
    expect(await replayedCount(port)).toBe(replayed);
    await get(port, path, { authorization, host: 'elsewhere.example' });
    expect(await replayedCount(port)).toBe(++replayed);

    // Two full answers fill most of the 4 KiB; these push the oldest out.
    for (const fields of ['name', 'bundleId', 'sku', 'primaryLocale', 'name,sku', 'name,bundleId']) {
      expect((await get(port, `${path}?fields%5Bapps%5D=${fields}`, { authorization })).status).toBe(200);
    }
    await get(port, path, { authorization });
    expect(await replayedCount(port)).toBe(replayed);
  });
});
