import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from './cli-process.js';
import { bearerToken, createApiKey } from './operator-cli.js';

/**
 * An API write interrupted by SIGKILL leaves nothing half-done, on the store `storeArgs` names: four writers each
 * add 500 testers to their own beta group in one request, then remove them in one request, over and over, until
 * the server is killed. After a restart every group holds all 500 or none, and a group whose last write was
 * acknowledged (with none in flight) holds what that write left.
 */

const APP = '4000000001';
const TESTERS = 500;
const WRITERS = 4;

export function describeWriteInterruption(
  storeArgs: () => Promise<{ args: string[]; drop(): Promise<void> }>,
): void {
  let dir: string;
  let store: { args: string[]; drop(): Promise<void> };
  let authorization: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-write-kill-'));
    store = await storeArgs();
    const fixture = join(dir, 'fixture.ndjson');
    const testers = Array.from({ length: TESTERS }, (_, index) =>
      JSON.stringify({ kind: 'tester', appId: APP, id: `t${index}`, email: `t${index}@example.com` }),
    );
    await writeFile(
      fixture,
      [
        JSON.stringify({ kind: 'app', id: APP, name: 'Killed', bundleId: 'com.example.killed' }),
        ...testers,
      ].join('\n'),
    );
    const imported = await runCli(['import', fixture, ...store.args]);
    expect(imported.code, imported.stderr).toBe(0);
    authorization = await bearerToken(await createApiKey(store.args, dir, 'writer'));
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await store?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (base: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        authorization,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const members = {
    data: Array.from({ length: TESTERS }, (_, index) => ({ type: 'betaTesters', id: `t${index}` })),
  };

  it('leaves every beta group with all of a write or none of it', async () => {
    server = await startServer(store.args);
    const base = server.baseUrl;
    const groups: string[] = [];
    for (let index = 0; index < WRITERS; index++) {
      const answer = await call(base, 'POST', '/v1/betaGroups', {
        data: {
          type: 'betaGroups',
          attributes: { name: `Group ${index}` },
          relationships: { app: { data: { type: 'apps', id: APP } } },
        },
      });
      expect(answer.status).toBe(201);
      groups.push(((await answer.json()) as { data: { id: string } }).data.id);
    }
    /** Per group: the member count its last acknowledged write left, and whether a write was in flight. */
    const states = groups.map(() => ({ acknowledged: 0, inFlight: false, writes: 0 }));
    let stopped = false;
    const writer = async (index: number) => {
      const state = states[index] as (typeof states)[number];
      const path = `/v1/betaGroups/${groups[index]}/relationships/betaTesters`;
      while (!stopped) {
        const adding = state.acknowledged === 0;
        state.inFlight = true;
        try {
          const answer = await call(base, adding ? 'POST' : 'DELETE', path, members);
          expect(answer.status).toBe(204);
          state.acknowledged = adding ? TESTERS : 0;
          state.inFlight = false;
          state.writes++;
          // A pause between writes, so that at the kill some writers are between writes: their group must
          // then hold exactly what their last acknowledged write left.
          await new Promise((resolve) => setTimeout(resolve, 5 + 10 * index));
        } catch (error) {
          if (!stopped) throw error;
        }
      }
    };
    const writers = Promise.all(groups.map((_, index) => writer(index)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopped = true;
    server.child.kill('SIGKILL');
    await writers;
    await server.exited;
    expect(states.reduce((sum, state) => sum + state.writes, 0)).toBeGreaterThan(WRITERS);

    console.log(
      `write interruption: ${states.reduce((sum, state) => sum + state.writes, 0)} writes acknowledged, ` +
        `${states.filter((state) => state.inFlight).length} of ${WRITERS} in flight at the kill`,
    );
    server = await startServer(store.args);
    for (const [index, groupId] of groups.entries()) {
      const answer = await call(
        server.baseUrl,
        'GET',
        `/v1/betaGroups/${groupId}/relationships/betaTesters?limit=1`,
      );
      const total = ((await answer.json()) as { meta: { paging: { total: number } } }).meta.paging.total;
      expect([0, TESTERS]).toContain(total);
      const state = states[index] as (typeof states)[number];
      if (!state.inFlight) expect(total).toBe(state.acknowledged);
    }
  });
}
