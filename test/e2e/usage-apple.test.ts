import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AscStub,
  appleErrors,
  FORBIDDEN,
  NOT_AUTHORIZED,
  notFound,
  RATE_LIMITED,
  type StubAnswer,
  startAscStub,
} from '../support/asc-stub.js';
import { clientKey, writeKeyFile } from '../support/client-key.js';
import { runCli } from '../support/cli-process.js';
import { documentedShape, pageExamples } from '../support/page-bodies.js';

/** The built `usage` command against a stub that answers as Apple's API does (bodies from the endpoint page). */

const [FIRST, SECOND] = pageExamples();
if (FIRST === undefined || SECOND === undefined) throw new Error('the page has two examples');
const APP = '6447306070';

let dir: string;
let env: Record<string, string>;
let stub: AscStub;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-usage-apple-'));
  const key = clientKey('L57DIUQRC5');
  // An individual key: no issuer id.
  env = { ASC_KEY_ID: key.keyId, ASC_ISSUER_ID: '', ASC_PRIVATE_KEY_PATH: writeKeyFile(dir, key) };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  stub = await startAscStub(() => ({ status: 500 }));
  env.BETA_METRICS_BASE_URL = stub.url;
});
afterEach(async () => {
  await stub.close();
});

const usage = (...args: string[]) => runCli(['usage', '--app', APP, ...args], { env });
const always = (answer: StubAnswer) => () => answer;

describe("Apple's bodies", () => {
  it('pages through the live shape, then the documented one, and joins the testers', async () => {
    const tester = (id: string, firstName: string, lastName: string) => ({
      type: 'betaTesters',
      id,
      attributes: {
        firstName,
        lastName,
        email: `${firstName.toLowerCase()}@example.com`,
        state: 'INSTALLED',
      },
    });
    stub.respond = (request) => {
      if (request.url.startsWith('/v1/betaTesters?')) {
        const data = [
          tester('8fa019c6-a92a-4563-ab06-577daa03c5d1', 'Olga', 'Smith'),
          tester('cd082742-b2ec-4e63-b63f-6732f3e7abdd', 'Wen', 'Olsen'),
        ];
        return {
          status: 200,
          body: { data, links: { self: 's' }, meta: { paging: { total: 2, limit: 200 } } },
        };
      }
      // The page's next link (cursor=BQ.TGQPUQ) leads to a last page in the spec's documented shape.
      const body = request.url.includes('cursor=BQ.TGQPUQ') ? documentedShape(SECOND.body) : FIRST.body;
      return { status: 200, body };
    };

    const result = await usage('--format', 'json', '--sort', 'sessions');

    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.testerId, row.sessionCount, row.crashCount, row.feedbackCount])).toEqual([
      ['99e5ee74-39c3-4f52-86be-041c0fee2c6f', 200, 0, 10],
      ['8fa019c6-a92a-4563-ab06-577daa03c5d1', 21, 0, 1],
      // A tie on sessions: by tester id.
      ['9988d713-a315-45ae-9147-1fe119b9eea9', 16, 4, 4],
      ['cd082742-b2ec-4e63-b63f-6732f3e7abdd', 16, 4, 0],
      ['98a05411-af84-40bf-919a-dc32c75e9e32', 5, 5, 0],
      ['993a21fd-980c-4ae3-9767-0eb50095f70e', 2, 1, 1],
    ]);
    expect(rows.find((row) => row.testerId === 'cd082742-b2ec-4e63-b63f-6732f3e7abdd')).toMatchObject({
      firstName: 'Wen',
      lastName: 'Olsen',
      email: 'wen@example.com',
    });
    expect(rows.find((row) => row.testerId === '98a05411-af84-40bf-919a-dc32c75e9e32')).toMatchObject({
      firstName: null,
      email: null,
    });
    const token = decodeJwt(stub.requests[0]?.authorization?.replace('Bearer ', '') ?? '');
    expect(token).toMatchObject({ sub: 'user', aud: 'appstoreconnect-v1' });
    expect(stub.requests.map((request) => request.url.split('?')[0])).toEqual([
      `/v1/apps/${APP}/metrics/betaTesterUsages`,
      `/v1/apps/${APP}/metrics/betaTesterUsages`,
      '/v1/betaTesters',
    ]);
  });
});

describe('exit codes', () => {
  it('3 on a 401 that a new token does not cure, with Apple’s error and the request id', async () => {
    stub.respond = always({
      status: 401,
      headers: { 'x-request-id': 'req-401' },
      body: appleErrors(401, NOT_AUTHORIZED),
    });

    const result = await usage();

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      '401 NOT_AUTHORIZED: Provide a properly configured and signed bearer token',
    );
    expect(result.stderr).toContain('(request id req-401)');
    expect(stub.requests).toHaveLength(2);
  });

  it('3 on a 403', async () => {
    stub.respond = always({ status: 403, body: appleErrors(403, FORBIDDEN) });

    const result = await usage();

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('403 FORBIDDEN_ERROR');
  });

  it('4 on a 404', async () => {
    stub.respond = always({ status: 404, body: appleErrors(404, notFound(APP)) });

    const result = await usage();

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`There is no resource of type 'apps' with id '${APP}'`);
    expect(stub.requests).toHaveLength(1);
  });

  it('5 when still rate limited after the retries', async () => {
    stub.respond = always({
      status: 429,
      headers: { 'retry-after': '0' },
      body: appleErrors(429, RATE_LIMITED),
    });

    const result = await usage();

    expect(result.code).toBe(5);
    expect(result.stderr).toContain('429 RATE_LIMIT_EXCEEDED');
    expect(stub.requests).toHaveLength(5);
  });
});
