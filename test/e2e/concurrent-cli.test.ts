import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { cliJson, createAppId } from '../support/operator-cli.js';

/**
 * Writes from several processes at once on one SQLite store, as an operator's scripts and a running server do:
 * each `testers add --group` reads (the app, the group, the email) before it writes, and none may fail for
 * the others' commits (storage/sqlite/dialect.ts takes the write lock before the first read).
 */
let dir: string;
let store: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-concurrent-cli-'));
  store = ['--data-dir', join(dir, 'store')];
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('takes eight tester invitations sent at once, each into the group', async () => {
  const appId = await createAppId(store, 'Concurrent');
  const group = await cliJson<{ id: string }>([
    'groups',
    'create',
    '--app',
    appId,
    '--name',
    'Crew',
    ...store,
  ]);
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, n) =>
      runCli([
        'testers',
        'add',
        '--app',
        appId,
        '--email',
        `t${n}@example.com`,
        '--group',
        group.id,
        ...store,
      ]),
    ),
  );
  expect(results.map((result) => [result.code, result.stderr])).toEqual(results.map(() => [0, '']));
  const groups = await cliJson<Array<{ id: string; testerIds: string[] }>>([
    'groups',
    'list',
    '--app',
    appId,
    ...store,
  ]);
  expect(groups.find((found) => found.id === group.id)?.testerIds).toHaveLength(8);
});
