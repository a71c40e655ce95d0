import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { requestJournal } from '../services/request-journal.js';
import { type KeptAnswer, keptAnswerSender } from './kept-answer.js';
import { createAppMetrics } from './metrics.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const BODY = Buffer.from('{"data":[]}');

/** A kept answer as answer-replay.ts keeps one: its rate limit and request id made per request. */
function keptAnswer(): KeptAnswer {
  const headers = ['content-type', 'application/json', 'x-rate-limit', 'kept', 'x-request-id', 'kept'];
  headers.push('content-length', String(BODY.length));
  return {
    key: 'K1\u0000host\u0000/v1/apps/1',
    body: BODY,
    headers,
    rateLimitAt: 3,
    requestIdAt: 5,
    route: '/v1/apps/:id',
    target: '/v1/apps/1',
    operation: 'apps_getInstance',
    scope: '/v1/apps/1',
    freshness: '1',
    recheck: async () => '1',
    keptFreshness: () => '1',
    bytes: 100,
  };
}

/** A node:http server that answers every request from `entry` through the sender, its budget counting down. */
async function serveKept(entry: KeptAnswer, log: FastifyBaseLogger) {
  const send = keptAnswerSender({
    journal: requestJournal(),
    metrics: createAppMetrics({ poolStats: () => undefined, readCaches: () => undefined }),
  });
  let remaining = 10;
  const listening = createServer((request: IncomingMessage, response: ServerResponse) => {
    remaining--;
    send(request, response, log, {
      entry,
      keyId: 'K1',
      budget: { allowed: true, limit: 10, remaining },
      started: performance.now(),
      from: 'memory',
    });
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return (listening.address() as AddressInfo).port;
}

function headersOf(port: number, requestId: string): Promise<IncomingMessage['headers']> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/v1/apps/1', headers: { 'x-request-id': requestId } }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.headers));
    }).on('error', reject);
  });
}

describe('the kept answer sender', () => {
  it('sends each request its own rate limit and request id, and the rest of the headers as kept', async () => {
    const entry = keptAnswer();
    const log = pino({ level: 'silent' });
    const port = await serveKept(entry, log);
    const answers = [];
    for (const id of ['first', 'second', 'third']) answers.push(await headersOf(port, id));
    expect(answers.map((headers) => [headers['x-request-id'], headers['x-rate-limit']])).toEqual([
      ['first', 'user-hour-lim:10;user-hour-rem:9;'],
      ['second', 'user-hour-lim:10;user-hour-rem:8;'],
      ['third', 'user-hour-lim:10;user-hour-rem:7;'],
    ]);
    expect(answers.every((headers) => headers['content-type'] === 'application/json')).toBe(true);
    expect(answers.every((headers) => headers['content-length'] === String(BODY.length))).toBe(true);
  });

  it('logs the two lines of a request while the level is info or below, following its changes', async () => {
    const lines: { requestId?: string; msg?: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const port = await serveKept(keptAnswer(), log);
    await headersOf(port, 'at-warn');
    log.level = 'info';
    await headersOf(port, 'at-info');
    log.level = 'debug';
    await headersOf(port, 'at-debug');
    log.level = 'error';
    await headersOf(port, 'at-error');
    expect(lines.map((line) => [line.requestId, line.msg])).toEqual([
      ['at-info', 'incoming request'],
      ['at-info', 'request completed'],
      ['at-debug', 'incoming request'],
      ['at-debug', 'request completed'],
    ]);
  });
});
