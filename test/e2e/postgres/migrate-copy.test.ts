import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../../src/storage/migrations/index.js';
import { runCli, startServer } from '../../support/cli-process.js';
import { ALL_TABLES, dropInsertsInto } from '../../support/filled-store.js';
import { createTestSchema } from '../../support/test-database.js';

const TABLES = ALL_TABLES;
const MIGRATIONS = MIGRATION_NAMES;
/** Trust authentication ignores it; it is there to prove no output ever shows it. */
const PASSWORD = 'e2e-secret-pw';

interface DemoKeyRecord {
  keyId: string;
  issuerId: string;
  keyFile: string;
}

describe('migrate and copy with the built CLI, into PostgreSQL and back', () => {
  let dir: string;
  let sourceDir: string;
  let url: string;
  let schemaName: string;
  let dropSchema: () => Promise<void> = async () => {};
  let demoKey: DemoKeyRecord;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-copy-e2e-'));
    sourceDir = join(dir, 'source');
    // The source: the demo in a data directory, as `serve --demo` leaves it (its key file under demo/).
    const demo = await startServer(['--demo', '--data-dir', sourceDir]);
    await demo.stop();
    demoKey = JSON.parse(await readFile(join(sourceDir, 'demo', 'demo-key.json'), 'utf8')) as DemoKeyRecord;
    const schema = await createTestSchema();
    dropSchema = schema.drop;
    schemaName = schema.schema;
    const withPassword = new URL(schema.url);
    withPassword.password = PASSWORD;
    url = withPassword.toString();
  });
  afterAll(async () => {
    await dropSchema();
    await rm(dir, { recursive: true, force: true });
  });

  function expectNoPassword(result: { stdout: string; stderr: string }) {
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  }

  it('migrate applies every migration to a fresh schema, then finds it up to date', async () => {
    const first = await runCli(['migrate', '--database-url', url, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ applied: MIGRATIONS });

    const again = await runCli(['migrate', '--database-url', url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^The schema is up to date \(postgres:\/\/[^:@\s]+:\*\*\*@[^?\s]+\)\.\n$/);
    expectNoPassword(again);
    expect(JSON.parse((await runCli(['migrate', '--database-url', url, '--json'])).stdout)).toEqual({
      applied: [],
    });
  });

  it('migrate says which migrations it applied to a new data directory', async () => {
    const result = await runCli(['migrate', '--data-dir', join(dir, 'fresh')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(MIGRATIONS.map((name) => `Applied ${name}\n`).join(''));
  });

  it('copy moves the SQLite store into the migrated, empty schema and prints verified counts', async () => {
    const result = await runCli(['copy', '--from', `sqlite:${sourceDir}`, '--to', url, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expectNoPassword(result);
    const report = JSON.parse(result.stdout) as {
      tables: Record<string, { from: number; to: number }>;
      verified: boolean;
    };
    expect(report.verified).toBe(true);
    expect(Object.keys(report.tables)).toEqual(TABLES);
    for (const [table, { from, to }] of Object.entries(report.tables)) expect(to, table).toBe(from);
    expect(report.tables.apps).toEqual({ from: 3, to: 3 });
    expect(report.tables.usage_events?.from).toBeGreaterThan(20_000);
    expect(report.tables.api_keys).toEqual({ from: 1, to: 1 });

    // The copy ends with ANALYZE: PostgreSQL has statistics of the usage tables before any query plans them.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const analyzed = await client.query<{ tablename: string }>(
        'select distinct tablename from pg_stats where schemaname = $1 order by tablename',
        [schemaName],
      );
      expect(analyzed.rows.map((row) => row.tablename)).toEqual(
        expect.arrayContaining(['app_testers', 'usage_daily', 'usage_events', 'usage_monthly']),
      );
    } finally {
      await client.end();
    }
  });

  it('refuses a second copy into the same target with one line and exit code 1', async () => {
    const result = await runCli(['copy', '--from', `sqlite:${sourceDir}`, '--to', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^beta-metrics: postgres:\/\/[^:@\s]+:\*\*\*@\S+ is not empty \(apps: 3, /);
    expectNoPassword(result);
  });

  it('fails with exit code 1 when a count differs, printing the counts, and leaves the target empty', async () => {
    const schema = await createTestSchema();
    try {
      expect((await runCli(['migrate', '--database-url', schema.url])).code).toBe(0);
      await dropInsertsInto(schema.url, 'usage_daily');
      const result = await runCli(['copy', '--from', `sqlite:${sourceDir}`, '--to', schema.url, '--json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { tables: Record<string, { from: number; to: number }> };
      expect(report).toMatchObject({ verified: false });
      expect(report.tables.usage_daily?.to).toBe(0);
      expect(report.tables.usage_daily?.from).toBeGreaterThan(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^beta-metrics: the row counts differ \\(usage_daily: ${report.tables.usage_daily?.from} -> 0\\); nothing was committed to postgres://\\S+$`,
        ),
      );
      const retried = await runCli(['copy', '--from', `sqlite:${sourceDir}`, '--to', schema.url]);
      expect(retried.stderr).toContain('the row counts differ (usage_daily:');
    } finally {
      await schema.drop();
    }
  });

  it("serves the page's first example from the copy, with the source's demo key and cursor", async () => {
    const minted = await runCli([
      'token',
      '--key-file',
      demoKey.keyFile,
      '--key-id',
      demoKey.keyId,
      '--issuer-id',
      demoKey.issuerId,
    ]);
    expect(minted.code, minted.stderr).toBe(0);
    const server = await startServer(['--database-url', url, '--now', '2023-10-05T12:00:00Z'], { cwd: dir });
    try {
      const response = await fetch(
        `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?period=P365D&limit=5&groupBy=betaTesters`,
        { headers: { authorization: `Bearer ${minted.stdout.trim()}` } },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        data: Array<{ dimensions: { betaTesters: { data: { id: string } } } }>;
        meta: { paging: { total: number } };
        links: { next: string };
      };
      expect(body.meta.paging.total).toBe(931);
      expect(body.data[0]?.dimensions.betaTesters.data.id).toBe('8fa019c6-a92a-4563-ab06-577daa03c5d1');
      // The demo's cursor key came along: the same cursor as the page's.
      expect(body.links.next).toBe(
        `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?cursor=BQ.TGQPUQ&period=PT8760H&limit=5&groupBy=betaTesters`,
      );
    } finally {
      await server.stop();
    }
  });

  it('copies back from PostgreSQL into a new SQLite directory and prints a table of the counts', async () => {
    const backDir = join(dir, 'back');
    const result = await runCli(['copy', '--from', url, '--to', `sqlite:${backDir}`]);
    expect(result.code, result.stderr).toBe(0);
    expectNoPassword(result);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^Copied postgres://[^:@\\s]+:\\*\\*\\*@\\S+ to sqlite:${backDir.replaceAll('.', '\\.')}:$`),
    );
    expect(lines[1]).toMatch(/^TABLE\s+FROM\s+TO$/);
    expect(lines.slice(2, -1).map((line) => line.split(/\s+/)[0])).toEqual(TABLES);
    for (const line of lines.slice(2, -1)) {
      const [, from, to] = line.split(/\s+/);
      expect(to, line).toBe(from);
    }
    expect(lines.at(-1)).toBe('Verified: every table has as many rows in the target as in the source.');
  });
});
