import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../main/compose.js';
import type { CliDeps } from '../cli-deps.js';
import { runCli } from '../run.js';

/** The import command in process, with an Output that records what a terminal would show. */
function recordingDeps() {
  const shown = { lines: [] as string[], progress: [] as string[], errors: [] as string[] };
  const deps: CliDeps = {
    openRuntime,
    serve: () => Promise.reject(new Error('not served here')),
    out: {
      line: (text) => shown.lines.push(text),
      json: (value) => shown.lines.push(JSON.stringify(value)),
      progress: (text) => shown.progress.push(text),
      error: (text) => shown.errors.push(text),
    },
  };
  return { deps, shown };
}

const APP_LINES = [
  '{"kind":"app","id":"1000000001","name":"Fixture","bundleId":"com.example.fixture"}',
  '{"kind":"tester","appId":"1000000001","id":"tester-a","email":"a@example.com"}',
];
const eventLine = (n: number) =>
  JSON.stringify({
    id: `ev-${n}`,
    type: 'session',
    appId: '1000000001',
    testerId: 'tester-a',
    timestamp: '2023-10-01T10:00:00Z',
  });

describe('beta-metrics import (in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-import-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const importFile = async (lines: readonly string[], ...flags: string[]) => {
    const file = join(dir, 'input.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    const { deps, shown } = recordingDeps();
    const args = [
      'import',
      file,
      '--data-dir',
      join(dir, 'store'),
      '--now',
      '2023-10-05T12:00:00Z',
      ...flags,
    ];
    return { code: await runCli(args, deps), shown };
  };

  it('shows progress per batch: lines read and how much of the file, then the summary', async () => {
    const events = Array.from({ length: 2498 }, (_, i) => eventLine(i));
    const { code, shown } = await importFile([...APP_LINES, ...events]);
    expect(code).toBe(0);
    expect(shown.progress).toHaveLength(3);
    expect(shown.progress[0]).toMatch(/^Importing: 1,000 lines read \(\d{1,3}% of the file\)$/);
    expect(shown.progress[1]).toMatch(/^Importing: 2,000 lines read \(\d{1,3}% of the file\)$/);
    expect(shown.progress[2]).toBe('Importing: 2,500 lines read (100% of the file)');
    expect(shown.lines.join('\n')).toContain('Events:  2,498 accepted, 0 duplicates, 0 rejected');
    expect(shown.errors).toEqual([]);
  });

  it('lists the first 20 rejected lines in the summary, then how many more', async () => {
    const bad = Array.from({ length: 25 }, (_, i) => `{"id":"bad-${i}"}`);
    const { code, shown } = await importFile([...APP_LINES, ...bad]);
    expect(code).toBe(1);
    const summary = shown.lines.join('\n').split('\n');
    const listed = summary.filter((line) => line.startsWith('  line '));
    expect(listed.map((line) => line.split(':')[0])).toEqual(
      Array.from({ length: 20 }, (_, i) => `  line ${i + 3}`),
    );
    expect(summary.at(-1)).toBe('  and 5 more');
    expect(shown.errors).toEqual(['beta-metrics: 25 lines were rejected; every other line was imported']);
  });

  it('with --quiet shows no progress and no summary, only the rejected lines as errors', async () => {
    const { code, shown } = await importFile([...APP_LINES, eventLine(1), '[]'], '--quiet');
    expect(code).toBe(1);
    expect(shown.progress).toEqual([]);
    expect(shown.lines).toEqual([]);
    expect(shown.errors).toEqual([
      'line 4: not a JSON object',
      'beta-metrics: 1 line was rejected; every other line was imported',
    ]);
  });
});
