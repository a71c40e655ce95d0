import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';

/**
 * Durable before acknowledged: the answer is sent only once a batch is committed. A server is killed with
 * SIGKILL while four senders stream batches at it; after a restart every acknowledged batch is stored exactly
 * once, and no batch is half there.
 */

const BATCH_SIZE = 200;
const TYPES = ['session', 'crash', 'feedback'] as const;
type Counts = Record<(typeof TYPES)[number], number>;

async function cli<T>(args: string[]): Promise<T> {
  const result = await runCli(args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('ingestion across a SIGKILL of the server', () => {
  let dir: string;
  let dataDir: string;
  let appId: string;
  let testerIds: string[];
  let ingestKey: string;
  let token: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-durability-'));
    dataDir = join(dir, 'store');
    const store = ['--data-dir', dataDir, '--json'];
    appId = (
      await cli<{ id: string }>([
        'apps',
        'create',
        '--name',
        'Durable',
        '--bundle-id',
        'com.example.durable',
        ...store,
      ])
    ).id;
    testerIds = [];
    for (const name of ['ada', 'bob', 'cy', 'dee']) {
      const tester = await cli<{ id: string }>([
        'testers',
        'add',
        '--app',
        appId,
        '--email',
        `${name}@example.com`,
        ...store,
      ]);
      testerIds.push(tester.id);
    }
    const created = await cli<{ appId: string; key: string; id: string }>([
      'ingest-keys',
      'create',
      '--app',
      appId,
      ...store,
    ]);
    expect(created.appId).toBe(appId);
    ingestKey = created.key;
    const apiKey = await cli<{ keyId: string; issuerId: string; keyFile: string }>([
      'keys',
      'create',
      '--name',
      'durability',
      '--role',
      'ADMIN',
      '--out',
      dir,
      ...store,
    ]);
    const minted = await runCli([
      'token',
      '--key-file',
      apiKey.keyFile,
      '--key-id',
      apiKey.keyId,
      '--issuer-id',
      apiKey.issuerId,
    ]);
    expect(minted.code, minted.stderr).toBe(0);
    token = minted.stdout.trim();
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const startedAt = Date.now();
  /** Batch `b`: events `b<b>-<i>`, a mix of types over the testers, all within the last day. */
  function batchBody(batch: number): string {
    const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({
      id: `b${batch}-${i}`,
      type: TYPES[(batch + i) % TYPES.length],
      appId,
      testerId: testerIds[(batch * 7 + i) % testerIds.length],
      timestamp: new Date(startedAt - ((batch * BATCH_SIZE + i) % 80_000) * 1000).toISOString(),
    }));
    return JSON.stringify({ events });
  }
  async function send(base: string, batch: number): Promise<Response> {
    return fetch(`${base}/ingest/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: batchBody(batch),
    });
  }

  /** What the store holds, read from the SQLite file itself. */
  function readStore() {
    const db = new Database(join(dataDir, 'beta-metrics.db'), { readonly: true, fileMustExist: true });
    try {
      const perBatch = db
        .prepare(
          "select substr(id, 2, instr(id, '-') - 2) as batch, count(*) as n from usage_events where app_id = ? group by batch",
        )
        .all(appId) as Array<{ batch: string; n: number }>;
      const events = db
        .prepare(
          'select tester_id, day, type, count(*) as n from usage_events where app_id = ? group by 1, 2, 3 order by 1, 2, 3',
        )
        .all(appId) as Array<{ tester_id: string; day: string; type: string; n: number }>;
      const rollups = db
        .prepare(
          'select tester_id, day, sum(install_count) as install, sum(session_count) as session, sum(crash_count) as crash, sum(feedback_count) as feedback from usage_daily where app_id = ? group by 1, 2 order by 1, 2',
        )
        .all(appId) as Array<Record<string, string | number>>;
      return { perBatch: new Map(perBatch.map((row) => [Number(row.batch), row.n])), events, rollups };
    } finally {
      db.close();
    }
  }

  async function metrics(base: string): Promise<Record<string, Counts>> {
    const response = await fetch(
      `${base}/v1/apps/${appId}/metrics/betaTesterUsages?groupBy=betaTesters&period=P7D`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: Array<{
        dataPoints: Array<{ values: { sessionCount: number; crashCount: number; feedbackCount: number } }>;
        dimensions: { betaTesters: { data: { id: string } } };
      }>;
    };
    return Object.fromEntries(
      body.data.map((item) => {
        const values = item.dataPoints[0]?.values;
        return [
          item.dimensions.betaTesters.data.id,
          {
            session: values?.sessionCount ?? -1,
            crash: values?.crashCount ?? -1,
            feedback: values?.feedbackCount ?? -1,
          },
        ];
      }),
    );
  }

  it('stores every acknowledged batch exactly once and no batch in part, and answers from what it stored', async () => {
    server = await startServer(['--data-dir', dataDir]);
    const killed = server;
    const acknowledged = new Set<number>();
    const attempted = new Set<number>();
    let next = 0;
    let stopped = false;
    const sender = async () => {
      while (!stopped) {
        const batch = next++;
        attempted.add(batch);
        try {
          const response = await send(killed.baseUrl, batch);
          const body = await response.json();
          expect({ status: response.status, body }).toEqual({
            status: 200,
            body: { accepted: BATCH_SIZE, duplicates: 0 },
          });
          acknowledged.add(batch);
        } catch (error) {
          if (!stopped) throw error;
        }
      }
    };
    const senders = Promise.all([sender(), sender(), sender(), sender()]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopped = true;
    // One batch surely in flight at the kill: sent in this very tick, it cannot be answered before the signal.
    // (The senders' own requests usually are too, but all four can have their answers waiting unread when the
    // timer fires on a loaded machine.)
    const straggler = next++;
    attempted.add(straggler);
    const late = send(killed.baseUrl, straggler).then(
      async (response) => response.status === 200 && (await response.json()),
      () => undefined,
    );
    killed.child.kill('SIGKILL');
    await senders;
    if (await late) acknowledged.add(straggler);
    expect(await killed.exited).toBeNull();
    // The premise: batches were acknowledged, and others were in flight when the server died.
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(attempted.size).toBeGreaterThan(acknowledged.size);

    server = await startServer(['--data-dir', dataDir]);
    const restarted = server;
    const stored = readStore();

    for (const batch of acknowledged) expect(stored.perBatch.get(batch), `batch ${batch}`).toBe(BATCH_SIZE);
    for (const [batch, n] of stored.perBatch) {
      expect(attempted.has(batch), `batch ${batch} was sent`).toBe(true);
      expect(n, `batch ${batch} is whole`).toBe(BATCH_SIZE);
    }

    // The rollups the metrics read agree with the raw events, per tester and day.
    const fromEvents = new Map<string, Record<string, number>>();
    for (const row of stored.events) {
      const key = `${row.tester_id} ${row.day}`;
      fromEvents.set(key, {
        install: 0,
        session: 0,
        crash: 0,
        feedback: 0,
        ...fromEvents.get(key),
        [row.type]: row.n,
      });
    }
    expect(
      new Map(stored.rollups.map(({ tester_id, day, ...counts }) => [`${tester_id} ${day}`, counts])),
    ).toEqual(fromEvents);

    // The answer equals the stored events per tester.
    const expected: Record<string, Counts> = {};
    for (const row of stored.events) {
      const counts = expected[row.tester_id] ?? { session: 0, crash: 0, feedback: 0 };
      counts[row.type as keyof Counts] += row.n;
      expected[row.tester_id] = counts;
    }
    const answer = await metrics(restarted.baseUrl);
    expect(answer).toEqual(expected);
    expect(Object.values(expected).reduce((sum, c) => sum + c.session + c.crash + c.feedback, 0)).toBe(
      stored.perBatch.size * BATCH_SIZE,
    );

    // Sending the acknowledged batches again changes nothing.
    for (const batch of acknowledged) {
      const response = await send(restarted.baseUrl, batch);
      expect(await response.json()).toEqual({ accepted: 0, duplicates: BATCH_SIZE });
    }
    expect(readStore()).toEqual(stored);
    expect(await metrics(restarted.baseUrl)).toEqual(answer);

    // A client retrying the unacknowledged ones ends with every batch stored, each once.
    for (const batch of attempted) {
      if (acknowledged.has(batch)) continue;
      const response = await send(restarted.baseUrl, batch);
      const body = (await response.json()) as { accepted: number; duplicates: number };
      expect([BATCH_SIZE, 0]).toContain(body.accepted);
      expect(body.accepted + body.duplicates).toBe(BATCH_SIZE);
    }
    const retried = readStore();
    expect([...retried.perBatch.keys()].sort((a, b) => a - b)).toEqual([...attempted].sort((a, b) => a - b));
    expect(new Set(retried.perBatch.values())).toEqual(new Set([BATCH_SIZE]));
  });
});
