import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../../src/domain/clock.js';
import { createServices } from '../../src/services/services.js';
import { openStore } from '../../src/storage/open-store.js';
import { writeKeyFile } from '../support/client-key.js';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';
import { parseCsv } from '../support/csv.js';
import {
  type ExpectedRow,
  MANY_APP,
  MANY_REPORT_TIME,
  type ManyTesters,
  seedManyTesters,
  totalsOf,
} from '../support/many-testers.js';

/** The built `usage` command against a real `serve` with 2,500 installed testers (13 pages of 200). */

let dir: string;
let server: ServerProcess;
let seeded: ManyTesters;
let env: Record<string, string>;
let financeEnv: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-usage-'));
  const store = await openStore({ dataDir: join(dir, 'store') });
  try {
    seeded = await seedManyTesters(store);
    const services = await createServices(store, {
      clock: systemClock,
      reportClock: fixedClock(new Date(MANY_REPORT_TIME)),
    });
    const admin = await services.apiKeys.create({ name: 'usage', role: 'ADMIN' });
    const finance = await services.apiKeys.create({ name: 'finance', role: 'FINANCE' });
    const envOf = (key: typeof admin) => ({
      ASC_KEY_ID: key.keyId,
      ASC_ISSUER_ID: key.issuerId ?? '',
      ASC_PRIVATE_KEY_PATH: writeKeyFile(dir, key),
    });
    env = envOf(admin);
    financeEnv = envOf(finance);
  } finally {
    await store.close();
  }
  server = await startServer(['--data-dir', join(dir, 'store'), '--now', MANY_REPORT_TIME]);
  env.BETA_METRICS_BASE_URL = server.baseUrl;
  financeEnv.BETA_METRICS_BASE_URL = server.baseUrl;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const usage = (args: readonly string[], extraEnv: Record<string, string> = env) =>
  runCli(['usage', '--app', MANY_APP, ...args], { env: extraEnv });

async function jsonRows(args: readonly string[]): Promise<ExpectedRow[]> {
  const result = await usage(['--format', 'json', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ExpectedRow[];
}

const byCount = (key: 'sessionCount' | 'crashCount' | 'feedbackCount') => (a: ExpectedRow, b: ExpectedRow) =>
  b[key] - a[key] || (a.testerId < b.testerId ? -1 : 1);

describe('every tester, every format', () => {
  it('json: one array of all 2,500 testers in id order, joined with names and emails', async () => {
    expect(await jsonRows([])).toEqual(seeded.rows);
  });

  it('ndjson: the same objects, one a line', async () => {
    const result = await usage(['--format', 'ndjson']);

    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2500);
    expect(lines.map((line) => JSON.parse(line))).toEqual(seeded.rows);
  });

  it('csv: a header row and the same columns, quoted where needed', async () => {
    const result = await usage(['--format', 'csv']);

    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = parseCsv(result.stdout.trimEnd());
    expect(header).toEqual([
      'testerId',
      'firstName',
      'lastName',
      'email',
      'sessionCount',
      'crashCount',
      'feedbackCount',
    ]);
    expect(rows).toEqual(
      seeded.rows.map((row) => [
        row.testerId,
        row.firstName ?? '',
        row.lastName ?? '',
        row.email,
        String(row.sessionCount),
        String(row.crashCount),
        String(row.feedbackCount),
      ]),
    );
    expect(result.stdout).toContain('"O""Brien, Jr."');
  });

  it('table: a row per tester, TOTALS at the bottom, no control characters from names', async () => {
    const result = await usage([]);

    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const totals = totalsOf(seeded.rows);
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['TESTER', 'NAME', 'EMAIL', 'SESSIONS', 'CRASHES', 'FEEDBACK']);
    expect(lines).toHaveLength(1 + 2500 + 2);
    expect(lines.at(-1)?.split(/\s{2,}/)).toEqual([
      'TOTALS',
      '2500 testers',
      String(totals.sessionCount),
      String(totals.crashCount),
      String(totals.feedbackCount),
    ]);
    expect(lines[1]).toContain('Zoë O"Brien, Jr.');
    expect(result.stdout).not.toContain('\u001b');
    // Numbers are right-aligned: every line ends in the same column.
    expect(new Set(lines.filter((line) => !line.startsWith('-')).map((line) => line.length)).size).toBe(1);
  });
});

describe('options', () => {
  it.each([
    ['sessions', 'sessionCount'],
    ['crashes', 'crashCount'],
    ['feedback', 'feedbackCount'],
  ] as const)('--sort %s: most first, ties by tester id', async (sort, key) => {
    expect(await jsonRows(['--sort', sort])).toEqual([...seeded.rows].sort(byCount(key)));
  });

  it('--period P7D: the counts of the last 7 days', async () => {
    const rows = await jsonRows(['--period', 'P7D']);

    expect(rows).toEqual(seeded.rows7d);
    expect(totalsOf(rows).sessionCount).toBeLessThan(totalsOf(seeded.rows).sessionCount);
  });

  it('--tester: one tester, and flags work without the environment', async () => {
    const expected = seeded.rows[42];
    const result = await runCli(
      [
        'usage',
        '--app',
        MANY_APP,
        '--tester',
        expected?.testerId ?? '',
        '--format',
        'json',
        '--base-url',
        server.baseUrl,
        '--key-id',
        env.ASC_KEY_ID ?? '',
        '--issuer-id',
        env.ASC_ISSUER_ID ?? '',
        '--key-file',
        env.ASC_PRIVATE_KEY_PATH ?? '',
      ],
      { env: { ASC_KEY_ID: '', ASC_ISSUER_ID: '', ASC_PRIVATE_KEY_PATH: '', BETA_METRICS_BASE_URL: '' } },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([expected]);
  });
});

describe('exit codes', () => {
  it('3 when the key may not read TestFlight metrics (403)', async () => {
    const result = await usage(['--tester', 'x'], financeEnv);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^beta-metrics: 403 FORBIDDEN_ERROR: .*request id [0-9a-f-]{36}/);
  });

  it('4 when the app does not exist', async () => {
    const result = await runCli(['usage', '--app', '9999999999'], { env });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain("There is no resource of type 'apps' with id '9999999999'");
  });

  it.each([
    ['no key id', ['--tester', 'x'], { ASC_KEY_ID: '' }, /ASC_KEY_ID/],
    ['no key file', ['--tester', 'x'], { ASC_PRIVATE_KEY_PATH: '' }, /ASC_PRIVATE_KEY_PATH/],
    ['a key file that is not there', ['--key-file', '/nonexistent.p8'], {}, /cannot read the key file/],
    ['a period Apple does not have', ['--period', 'P1D'], {}, /P7D, P30D, P90D, P365D/],
    ['an unknown format', ['--format', 'xml'], {}, /table, json, csv, ndjson/],
    ['a base URL that is not one', ['--base-url', 'localhost'], {}, /not a URL/],
  ])('2 for %s', async (_case, args, overrides, message) => {
    const result = await usage(args, { ...env, ...overrides });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
