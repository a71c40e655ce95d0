import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeKeyFile } from '../../../test/support/client-key.js';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import type { CreatedApiKey } from '../../services/api-keys.js';
import type { CliDeps } from '../cli-deps.js';
import { runCli } from '../run.js';

/** `journal` in process against a listening server: what it prints, and its errors. */

let harness: Harness;
let dir: string;
let baseUrl: string;
beforeEach(async () => {
  harness = await createHarness();
  await harness.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-journal-cli-'));
});
afterEach(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

function keyArgs(key: CreatedApiKey = harness.admin): string[] {
  return [
    '--key-id',
    key.keyId,
    '--issuer-id',
    key.issuerId ?? '',
    '--key-file',
    writeKeyFile(dir, { keyId: key.keyId, privateKeyPem: key.privateKeyPem }),
  ];
}

async function journal(args: readonly string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const deps: CliDeps = {
    openRuntime: () => Promise.reject(new Error('journal opens no store')),
    serve: () => Promise.reject(new Error('not served here')),
    out: {
      line: (text) => lines.push(...text.split('\n')),
      json: (value) => lines.push(JSON.stringify(value)),
      progress: () => {},
      error: (text) => errors.push(text),
    },
  };
  const code = await runCli(['journal', '--base-url', baseUrl, ...args], deps);
  return { code, lines, errors };
}

describe('beta-metrics journal (in process)', () => {
  it('--json: one entry a line, as the server answers it, filtered', async () => {
    await harness.get('/v1/apps?limit=3');
    await harness.get('/v1/apps/nope');
    const { code, lines, errors } = await journal([
      '--json',
      '--operation',
      'apps_getCollection',
      ...keyArgs(),
    ]);
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'GET',
        path: '/v1/apps',
        query: [['limit', '3']],
        status: 200,
        operation: 'apps_getCollection',
        keyId: harness.admin.keyId,
      }),
    ]);
  });

  it('a table by default, every cell escaped', async () => {
    await harness.get('/v1/apps/nope?x=%1B%5B31m');
    const { code, lines } = await journal([...keyArgs(), '--status', '404']);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^SEQ {2}AT +METHOD {2}STATUS {2}MS +KEY +OPERATION +ERRORS +PATH$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^1 +\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z +GET +404 +[\\d.]+ +${harness.admin.keyId} +apps_getInstance +NOT_FOUND +/v1/apps/nope\\?x=\\\\x1b\\[31m$`,
      ),
    );
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines).toHaveLength(2);
  });

  it('says so when nothing matches', async () => {
    const { code, lines } = await journal([...keyArgs(), '--status', '500']);
    expect({ code, lines }).toEqual({ code: 0, lines: ['No requests in the journal match.'] });
  });

  it.each([
    [
      'a key that is not ADMIN',
      async () => keyArgs(await harness.createKey('DEVELOPER')),
      3,
      /403 FORBIDDEN_ERROR: .*ADMIN key/,
    ],
    [
      'an operation the server has not',
      async () => [...keyArgs(), '--operation', 'apps_list'],
      2,
      /400 PARAMETER_ERROR.INVALID: 'apps_list' .*operations: .*apps_betaTesterUsages_getMetrics/,
    ],
    ['no key', async () => [], 2, /no API key: pass --key-id and --key-file/],
  ])('%s: one line, the exit code scripts tell apart', async (_case, args, exitCode, message) => {
    const { code, lines, errors } = await journal(await args());
    expect(code).toBe(exitCode);
    expect(lines).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('no server at the base URL: says how to start one', async () => {
    const args = keyArgs();
    await harness.app.close();
    const { code, errors } = await journal(args);
    expect(code).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(
        /no answer NETWORK_ERROR: .*; cannot reach http:\/\/127\.0\.0\.1:\d+; start it with 'beta-metrics serve', or pass --base-url/,
      ),
    ]);
  });
});
