import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openRuntime } from '../../src/main/compose.js';
import { loadDemoData } from '../../src/services/demo/load-demo.js';
import { CLI } from '../support/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-pipes-'));
  const runtime = await openRuntime({
    store: { dataDir: dir },
    beforeServices: async (store) => void (await loadDemoData(store)),
  });
  await runtime.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('ends quietly with exit 0 when its reader stops early (export | head -1)', async () => {
  const child = spawn(process.execPath, [CLI, 'export', '--app', '6447306070', '--data-dir', dir]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const firstLine = await new Promise<string>((resolve) => {
    child.stdout.once('data', (chunk: Buffer) => {
      resolve(chunk.toString().split('\n')[0] ?? '');
      child.stdout.destroy();
    });
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(firstLine).toContain('"kind":"app"');
  expect(code).toBe(0);
  expect(stderr).toBe('');
});
