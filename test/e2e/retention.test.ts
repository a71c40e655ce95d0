import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, startServer } from '../support/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-retention-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('serve prunes raw events past the retention period as it starts, and export no longer has them', async () => {
  const store = ['--data-dir', join(dir, 'store')];
  const fixture = join(dir, 'fixture.ndjson');
  const lines = [
    { kind: 'app', id: '1000000001', name: 'Nightjar', bundleId: 'com.example.nightjar' },
    { kind: 'tester', appId: '1000000001', id: 'tester-a', email: 'ada@example.com' },
    {
      id: 'old-1',
      type: 'install',
      appId: '1000000001',
      testerId: 'tester-a',
      timestamp: '2023-10-01T10:00:00Z',
    },
    {
      id: 'old-2',
      type: 'session',
      appId: '1000000001',
      testerId: 'tester-a',
      timestamp: '2023-10-02T10:00:00Z',
    },
  ];
  await writeFile(fixture, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  const imported = await runCli(['import', fixture, '--now', '2023-10-05T12:00:00Z', '--json', ...store]);
  expect(imported.code, imported.stderr).toBe(0);
  const countEvents = async () => {
    const exported = await runCli(['export', '--app', '1000000001', ...store]);
    return exported.stdout.split('\n').filter((line) => line.includes('"type"')).length;
  };
  expect(await countEvents()).toBe(2);

  // 400 days after 2024-12-31 reaches back to 2023-11-27: both events are older.
  const server = await startServer(['--now', '2024-12-31T00:00:00Z', ...store]);
  try {
    for (let waited = 0; !server.output().includes('pruned raw events'); waited += 20) {
      if (waited > 10_000) throw new Error(`no pruning was logged:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.output()).toMatch(/"deleted":2,"msg":"pruned raw events older than the retention period"/);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  expect(await countEvents()).toBe(0);
});
