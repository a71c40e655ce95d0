import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from './cli-process.js';
import { expectAppleError, ingest, usageByTester, usageEvent, type Values, values } from './node-requests.js';
import {
  addTesters,
  bearerToken,
  cliJson,
  createApiKey,
  createAppId,
  createIngestKey,
  pollUntil,
} from './operator-cli.js';

/** Where an e2e test's store is: the CLI's store arguments, and how to remove it (its snapshots with it). */
export interface SnapshotStore {
  readonly storeArgs: readonly string[];
  cleanup(): Promise<void>;
}

interface SnapshotJson {
  name: string;
  savedAt: string;
}

/**
 * `beta-metrics snapshot ...` with the BUILT CLI on a store a running server uses (`npm run build` first): the
 * server answers the restored data at its next request, and nothing it kept from before. test/e2e calls this
 * for the embedded store, test/e2e/postgres for PostgreSQL.
 */
export function describeSnapshotCommands(backend: string, createStore: () => Promise<SnapshotStore>): void {
  describe(`snapshot commands on ${backend}, while a server runs on the store`, () => {
    let store: SnapshotStore;
    let dir: string;
    let server: ServerProcess;
    let admin: string;
    let appId: string;
    let testers: string[];
    let ingestKey: string;

    beforeAll(async () => {
      store = await createStore();
      dir = await mkdtemp(join(tmpdir(), 'beta-metrics-snapshot-e2e-'));
      const args = store.storeArgs;
      admin = await bearerToken(await createApiKey(args, dir, 'operator', 'ADMIN', true));
      appId = await createAppId(args, 'Snapshots');
      testers = await addTesters(args, appId, 3);
      ingestKey = await createIngestKey(args, appId);
      server = await startServer([...args, '--allow-faults', '--rate-limit', '0']);
    });
    afterAll(async () => {
      await server?.stop();
      await store?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    const tester = (n: number) => testers[n] ?? '';
    const usage = () => usageByTester(server.baseUrl, admin, appId);
    const cli = (args: readonly string[]) => runCli([...args, ...store.storeArgs]);
    async function send(events: ReadonlyArray<readonly [string, 'session' | 'crash', number]>) {
      const batch = events.map(([id, type, n]) => usageEvent(id, type, appId, tester(n)));
      expect((await ingest(server.baseUrl, ingestKey, batch)).status).toBe(200);
    }

    it('restores what was saved, and the running server answers it at once', async () => {
      // The banner follows the line startServer waits for.
      const banner = await pollUntil(
        async () => server.output(),
        (output) => output.includes('Test controls are on (--allow-faults)'),
        5_000,
      );
      expect(banner.met, banner.value).toBe(true);
      await send([
        ['s1', 'session', 0],
        ['s2', 'session', 0],
      ]);
      const saved = await usage();
      expect(saved[tester(0)]).toEqual(values(2));

      const snapshot = await cliJson<SnapshotJson>(['snapshot', 'save', 'baseline', ...store.storeArgs]);
      expect(snapshot.name).toBe('baseline');

      await send([
        ['c1', 'crash', 1],
        ['c2', 'crash', 1],
      ]);
      const laterApp = await createAppId(store.storeArgs, 'Later');
      const changed = await usage();
      expect(changed[tester(1)]).toEqual(values(0, 2));

      const restored = await cliJson<SnapshotJson & { tookMs: number }>([
        'snapshot',
        'restore',
        'baseline',
        ...store.storeArgs,
      ]);
      expect(restored).toEqual({ ...snapshot, tookMs: expect.any(Number) });
      expect(await usage()).toEqual(saved);
      const gone = await fetch(`${server.baseUrl}/v1/apps/${laterApp}`, {
        headers: { authorization: admin },
      });
      await expectAppleError(gone, 404, 'NOT_FOUND');

      // A write after the restore counts on from the restored data, never from an answer kept before.
      await send([['s3', 'session', 2]]);
      const after: Record<string, Values | undefined> = { ...saved, [tester(2)]: values(1) };
      expect(await usage()).toEqual(after);
    });

    it('lists, refuses in one line, replaces when told, and deletes', async () => {
      const listed = await cliJson<SnapshotJson[]>(['snapshot', 'list', ...store.storeArgs]);
      expect(listed.map((snapshot) => snapshot.name)).toEqual(['baseline']);
      const table = await cli(['snapshot', 'list']);
      expect(table.stdout).toMatch(/^NAME\s+SAVED\nbaseline\s+\d{4}-\d\d-\d\dT/);

      const refusals = [
        [
          ['snapshot', 'save', 'baseline'],
          'there is already a snapshot "baseline"; delete it first, or save with --replace',
        ],
        [
          ['snapshot', 'restore', 'never-saved'],
          'there is no snapshot "never-saved" in this store; list them with \'beta-metrics snapshot list\'',
        ],
        [
          ['snapshot', 'delete', '../etc'],
          '"../etc" is not a snapshot name; use 1 to 64 letters (A-Z, a-z), digits, _ or -',
        ],
      ] as const;
      for (const [args, message] of refusals) {
        const result = await cli(args);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`beta-metrics: ${message}\n`);
      }

      const replaced = await cli(['snapshot', 'save', 'baseline', '--replace']);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toMatch(/^Saved snapshot baseline of \S+ at \d{4}-\d\d-\d\dT[\d:.]+Z\.\n$/);
      const deleted = await cli(['snapshot', 'delete', 'baseline']);
      expect(deleted.stdout).toBe('Deleted snapshot baseline.\n');
      expect(await cliJson<SnapshotJson[]>(['snapshot', 'list', ...store.storeArgs])).toEqual([]);
    });

    it('restores through the running server for an ADMIN key with TESTING (serve --allow-faults)', async () => {
      const before = await usage();
      const post = (path: string, body?: object) =>
        fetch(`${server.baseUrl}/_beta-metrics/snapshots${path}`, {
          method: 'POST',
          headers: {
            authorization: admin,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      expect((await post('', { name: 'over-http' })).status).toBe(201);
      await send([['s4', 'session', 2]]);
      expect(await usage()).not.toEqual(before);
      const restored = await post('/over-http/restore');
      expect(restored.status).toBe(200);
      expect(((await restored.json()) as { data: SnapshotJson }).data.name).toBe('over-http');
      expect(await usage()).toEqual(before);
      await expectAppleError(await post('/never-saved/restore'), 404, 'NOT_FOUND');
    });
  });
}
