import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AscStub,
  appleErrors,
  RATE_LIMITED,
  type StubRequest,
  startAscStub,
} from '../../../test/support/asc-stub.js';
import { clientKey, writeKeyFile } from '../../../test/support/client-key.js';
import type { CliDeps } from '../cli-deps.js';
import { runCli } from '../run.js';

/** `usage` in process, with an Output that records what a terminal would show, in order. */

let stub: AscStub;
let dir: string;
let keyArgs: string[];
beforeEach(async () => {
  stub = await startAscStub(threePages);
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-usage-cli-'));
  const key = clientKey();
  keyArgs = ['--key-id', key.keyId, '--issuer-id', key.issuerId, '--key-file', writeKeyFile(dir, key)];
});
afterEach(async () => {
  await stub.close();
  await rm(dir, { recursive: true, force: true });
});

/** Three pages of one tester each, chosen by the cursor in the URL; the testers in one page. */
function threePages(request: StubRequest) {
  if (request.url.startsWith('/v1/betaTesters?')) {
    const data = ['t0', 't1', 't2'].map((id) => ({ type: 'betaTesters', id, attributes: { firstName: id } }));
    return { status: 200, body: { data, links: { self: 's' }, meta: { paging: { total: 3, limit: 200 } } } };
  }
  const page = Number(/cursor=(\d)/.exec(request.url)?.[1] ?? '0');
  const next =
    page < 2
      ? `${stub.url}/v1/apps/1/metrics/betaTesterUsages?cursor=${page + 1}&groupBy=betaTesters`
      : undefined;
  const values = { sessionCount: page + 1, crashCount: 0, feedbackCount: 0 };
  return {
    status: 200,
    body: {
      data: [
        {
          dataPoints: [{ values }],
          dimensions: { betaTesters: { data: { type: 'betaTesters', id: `t${page}` } } },
        },
      ],
      links: { self: 's', ...(next !== undefined && { next }) },
      meta: { paging: { total: 3, limit: 1 } },
    },
  };
}

function recording() {
  const shown: string[] = [];
  const deps: CliDeps = {
    openRuntime: () => Promise.reject(new Error('usage opens no store')),
    serve: () => Promise.reject(new Error('not served here')),
    out: {
      line: (text) => shown.push(`line: ${text}`),
      json: (value) => shown.push(`line: ${JSON.stringify(value)}`),
      progress: (text) => shown.push(`progress: ${text}`),
      error: (text) => shown.push(`error: ${text}`),
    },
  };
  return { deps, shown };
}

describe('beta-metrics usage (in process)', () => {
  it('shows a progress line per page and per wait while paging, then the report', async () => {
    stub.respond = (request, index) =>
      index === 1
        ? { status: 429, headers: { 'retry-after': '0' }, body: appleErrors(429, RATE_LIMITED) }
        : threePages(request);
    const { deps, shown } = recording();

    const code = await runCli(
      ['usage', '--app', '1', '--base-url', stub.url, ...keyArgs, '--format', 'csv'],
      deps,
    );

    expect(code).toBe(0);
    expect(shown).toEqual([
      `progress: Reading the metrics of app 1 from ${stub.url}: 1 of 3 (page 1)`,
      'progress: Got a 429 (attempt 1): retrying in 0 s',
      `progress: Reading the metrics of app 1 from ${stub.url}: 2 of 3 (page 2)`,
      `progress: Reading the metrics of app 1 from ${stub.url}: 3 of 3 (page 3)`,
      'progress: Reading the testers of app 1: 3 of 3 (page 1)',
      [
        'line: testerId,firstName,lastName,email,sessionCount,crashCount,feedbackCount',
        't0,t0,,,1,0,0',
        't1,t1,,,2,0,0',
        't2,t2,,,3,0,0',
      ].join('\n'),
    ]);
  });

  it('asks for no testers when there is no usage to join them to', async () => {
    stub.respond = () => ({
      status: 200,
      body: { data: [], links: { self: 's' }, meta: { paging: { total: 0, limit: 200 } } },
    });
    const { deps, shown } = recording();

    const code = await runCli(
      ['usage', '--app', '1', '--base-url', stub.url, ...keyArgs, '--format', 'json'],
      deps,
    );

    expect(code).toBe(0);
    expect(shown.at(-1)).toBe('line: []');
    expect(stub.requests).toHaveLength(1);
  });

  it('a usage error (exit 2) names the environment variables too', async () => {
    const { deps, shown } = recording();
    const saved = { id: process.env.ASC_KEY_ID, path: process.env.ASC_PRIVATE_KEY_PATH };
    delete process.env.ASC_KEY_ID;
    delete process.env.ASC_PRIVATE_KEY_PATH;
    try {
      const code = await runCli(['usage', '--app', '1', '--base-url', stub.url], deps);

      expect(code).toBe(2);
      expect(shown).toEqual([
        expect.stringMatching(/^error: beta-metrics: no API key: .*ASC_KEY_ID.*ASC_PRIVATE_KEY_PATH/),
      ]);
      expect(stub.requests).toEqual([]);
    } finally {
      if (saved.id !== undefined) process.env.ASC_KEY_ID = saved.id;
      if (saved.path !== undefined) process.env.ASC_PRIVATE_KEY_PATH = saved.path;
    }
  });
});
