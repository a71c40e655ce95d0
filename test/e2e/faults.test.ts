import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/wire-common/sign-token.js';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';
import { createApiKey, pollUntil } from '../support/operator-cli.js';

/** `keys create --testing`, `serve --allow-faults` and `faults add | list | clear`, all built, over a real socket. */

interface KeyJson {
  keyId: string;
  issuerId: string;
  keyFile: string;
  testing: boolean;
}

const METRICS = '/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters&limit=5';

/** `keys create --json` of an ADMIN key (with TESTING when `testing`), its .p8 written to `dir`. */
async function createKey(store: string, dir: string, name: string, testing: boolean): Promise<KeyJson> {
  return (await createApiKey(['--data-dir', store], dir, name, 'ADMIN', testing)) as KeyJson;
}

const keyArgs = (key: KeyJson) => [
  '--key-file',
  key.keyFile,
  '--key-id',
  key.keyId,
  '--issuer-id',
  key.issuerId,
];

describe('faults on demand, from the built CLI', () => {
  let dir: string;
  let store: string;
  let testing: KeyJson;
  let ordinary: KeyJson;
  let server: ServerProcess;
  let plain: ServerProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-faults-'));
    store = join(dir, 'store');
    testing = await createKey(store, dir, 'suite', true);
    ordinary = await createKey(store, dir, 'operator', false);
    server = await startServer(['--demo', '--allow-faults', '--data-dir', store]);
  });
  afterAll(async () => {
    await server?.stop();
    await plain?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const faults = (args: readonly string[], key = testing, base = server.baseUrl) =>
    runCli(['faults', ...args, '--base-url', base, ...keyArgs(key)]);

  async function metricsStatus(): Promise<Response> {
    const token = await signToken({
      privateKeyPem: await readFile(testing.keyFile, 'utf8'),
      keyId: testing.keyId,
      issuerId: testing.issuerId,
      now: new Date(),
    });
    return fetch(`${server.baseUrl}${METRICS}`, { headers: { authorization: `Bearer ${token}` } });
  }

  it('keys create --testing makes a key with TESTING, and keys list shows which keys have it', async () => {
    expect(testing.testing).toBe(true);
    expect(ordinary.testing).toBe(false);
    const listed = await runCli(['keys', 'list', '--json', '--data-dir', store]);
    const keys = JSON.parse(listed.stdout) as Array<{ keyId: string; testing: boolean }>;
    expect(keys.find((key) => key.keyId === testing.keyId)?.testing).toBe(true);
    expect(keys.find((key) => key.keyId === ordinary.keyId)?.testing).toBe(false);
    const table = (await runCli(['keys', 'list', '--data-dir', store])).stdout;
    expect(table).toContain('TESTING');
    expect(table.split('\n').find((line) => line.startsWith(testing.keyId))).toContain('yes');
  });

  it('serve says the test controls are on', async () => {
    // The banner follows the line startServer waits for.
    const banner = await pollUntil(
      async () => server.output(),
      (output) => output.includes('Test controls are on (--allow-faults)'),
      5_000,
    );
    expect(banner.met, banner.value).toBe(true);
  });

  it('faults add: the 2nd metrics request is a 429, the 1st and 3rd pass; list shows it fired once', async () => {
    const added = await faults([
      'add',
      '--status',
      '429',
      '--operation',
      'apps_betaTesterUsages_getMetrics',
      '--nth',
      '2',
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const rule = JSON.parse(added.stdout) as { id: string };
    const answers: number[] = [];
    for (let n = 0; n < 3; n++) {
      const response = await metricsStatus();
      answers.push(response.status);
      if (response.status === 429)
        expect(response.headers.get('x-rate-limit')).toMatch(/^user-hour-lim:\d+;user-hour-rem:0;$/);
      await response.arrayBuffer();
    }
    expect(answers).toEqual([200, 429, 200]);
    const listed = await faults(['list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: rule.id, matched: 2, fired: 1, active: false }),
    ]);
    const table = await faults(['list']);
    expect(table.stdout).toContain('status=429');
    expect(table.stdout).toContain('apps_betaTesterUsages_getMetrics');
  });

  it('faults add takes the key from ASC_KEY_ID, ASC_PRIVATE_KEY_PATH and ASC_ISSUER_ID; clear removes every rule', async () => {
    const added = await runCli(
      [
        'faults',
        'add',
        '--status',
        '503',
        '--probability',
        '0.5',
        '--seed',
        '42',
        '--base-url',
        server.baseUrl,
      ],
      {
        env: {
          ASC_KEY_ID: testing.keyId,
          ASC_PRIVATE_KEY_PATH: testing.keyFile,
          ASC_ISSUER_ID: testing.issuerId,
        },
      },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(
      /^Added fault rule [0-9a-f-]{36}: status=503 on every request, probability 0\.5/,
    );
    const cleared = await faults(['clear']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse((await faults(['list', '--json'])).stdout)).toEqual([]);
    expect((await faults(['list'])).stdout).toContain('No fault rules');
  });

  it("refuses a key without TESTING (exit 3) and says the server's problem with a rule in one line", async () => {
    const refused = await faults(['list'], ordinary);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('403 FORBIDDEN_ERROR');
    expect(refused.stderr).toContain('--testing');
    const bad = await faults(['add', '--status', '418']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('status must be one of 400, 401, 403, 404, 409, 429, 500, 503');
  });

  it('without --allow-faults the rules are not there: exit 4, asking whether the server allows faults', async () => {
    plain = await startServer(['--data-dir', join(dir, 'plain')]);
    const plainKey = await createKey(join(dir, 'plain'), dir, 'plain suite', true);
    const refused = await faults(['list'], plainKey, plain.baseUrl);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('404 PATH_ERROR');
    expect(refused.stderr).toContain('--allow-faults');
  });
});
