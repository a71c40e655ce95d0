import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-process.js';
import { ALL_TABLES, tableRowCounts } from '../../support/filled-store.js';
import { createTestSchema } from '../../support/test-database.js';

/**
 * A SQLite store that holds text PostgreSQL cannot store, written before ingestion and import refused it
 * (here: inserted with better-sqlite3, as the old store layer wrote it). `copy` into PostgreSQL refuses it
 * before writing anything; `export` then `import` moves every good line and reports the bad ones by number.
 */
const NOW = '2023-10-05T12:00:00Z';
const APP = '1000000001';
const event = (id: string, testerId: string, timestamp: string) =>
  JSON.stringify({ id, type: 'session', appId: APP, testerId, timestamp });

describe('text PostgreSQL cannot store, in a SQLite store, with the built CLI', () => {
  let dir: string;
  let sourceDir: string;
  const schemas: Array<() => Promise<void>> = [];

  const freshSchema = async () => {
    const schema = await createTestSchema();
    schemas.push(schema.drop);
    return schema.url;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-text-e2e-'));
    sourceDir = join(dir, 'source');
    const fixture = join(dir, 'fixture.ndjson');
    await writeFile(
      fixture,
      [
        `{"kind":"app","id":"${APP}","name":"Fixture","bundleId":"com.example.fixture"}`,
        `{"kind":"tester","appId":"${APP}","id":"tester-a","email":"a@example.com","firstName":"Ada"}`,
        event('ev-1', 'tester-a', '2023-10-01T10:00:00Z'),
        event('ev-2', 'tester-a', '2023-10-02T10:00:00Z'),
      ].join('\n'),
    );
    const imported = await runCli(['import', fixture, '--data-dir', sourceDir, '--now', NOW]);
    expect(imported.code, imported.stderr).toBe(0);

    const db = new Database(join(sourceDir, 'beta-metrics.db'));
    try {
      db.prepare(
        `insert into beta_testers (id, email, email_key, first_name, last_name, invite_type, created_at)
         values ('tester-x', 'x@example.com', 'x@example.com', 'X', ?, 'EMAIL', '2023-01-01T00:00:00.000Z')`,
      ).run('a\u0000b');
      db.prepare(
        `insert into app_testers (app_id, tester_id, state, invited_at) values (?, 'tester-x', 'INVITED', ?)`,
      ).run(APP, '2023-01-01T00:00:00.000Z');
      db.prepare(
        `insert into usage_events (id, app_id, tester_id, type, occurred_at, day, build, received_at)
         values ('ev-bad', ?, 'tester-a', 'session', '2023-10-03T10:00:00.000Z', '2023-10-03', ?, ?)`,
      ).run(APP, 'a\u0000b', '2023-10-03T10:00:01.000Z');
    } finally {
      db.close();
    }
  });
  afterAll(async () => {
    for (const drop of schemas) await drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copy into PostgreSQL exits 1 naming the table, the row and the column, and the target stays empty', async () => {
    const url = await freshSchema();
    const result = await runCli(['copy', '--from', `sqlite:${sourceDir}`, '--to', url]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^beta-metrics: the beta_testers row \(id "tester-x"\) cannot be copied: its last_name contains the NUL character \(U\+0000\), which text may not contain, and postgres:\/\/\S+ cannot store that\. Nothing was copied; fix or delete that row, or move the apps with 'export' and 'import', which reports such lines and loads the others\n$/,
    );
    expect(await tableRowCounts({ databaseUrl: url, poolSize: 1 })).toEqual(
      Object.fromEntries(ALL_TABLES.map((table) => [table, 0])),
    );
  });

  it('export then import into PostgreSQL loads the good lines and reports the bad ones by number', async () => {
    const file = join(dir, 'export.ndjson');
    const exported = await runCli(['export', '--app', APP, '--data-dir', sourceDir, '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    // JSON.stringify writes the NUL as an escape: the file is well-formed JSON, one line per record.
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const testerLine = lines.findIndex((line) => line.includes('"tester-x"')) + 1;
    const eventLine = lines.findIndex((line) => line.includes('"ev-bad"')) + 1;
    expect(lines[testerLine - 1]).toContain('"lastName":"a\\u0000b"');
    expect(lines[eventLine - 1]).toContain('"build":"a\\u0000b"');

    const url = await freshSchema();
    const result = await runCli(['import', file, '--database-url', url, '--now', NOW]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        'Rejected lines:',
        `  line ${testerLine}: 'lastName' contains the NUL character (U+0000), which text may not contain`,
        `  line ${eventLine}: build: 'build' contains the NUL character (U+0000), which text may not contain`,
      ].join('\n'),
    );
    expect(result.stdout).toMatch(/^Apps: {4}1 created, 0 existing, 0 rejected$/m);
    expect(result.stdout).toMatch(/^Testers: 1 added, 0 existing, 1 rejected$/m);
    expect(result.stdout).toMatch(/^Events: {2}2 accepted, 0 duplicates, 1 rejected$/m);
    expect(result.stderr).toBe('beta-metrics: 2 lines were rejected; every other line was imported\n');

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const events = await client.query<{ id: string }>('select id from usage_events order by id');
      expect(events.rows.map((row) => row.id)).toEqual(['ev-1', 'ev-2']);
    } finally {
      await client.end();
    }
  });
});
