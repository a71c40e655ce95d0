import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/main/compose.js';
import { loadDemoData } from '../../src/services/demo/load-demo.js';
import { CLI, type CliResult, runCli } from '../support/cli-process.js';
import { metricsOf } from '../support/usage-pages.js';

const NOW = '2023-10-05T12:00:00Z';
const APP = '1000000001';
const event = (id: string, type: string, testerId: string, timestamp: string) =>
  JSON.stringify({ id, type, appId: APP, testerId, timestamp });
const NOT_JSON = 'not json';
const FIXTURE = [
  `{"kind":"app","id":"${APP}","name":"Fixture","bundleId":"com.example.fixture"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-a","email":"a@example.com","firstName":"Ada","lastName":"A"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-b","email":"b@example.com"}`,
  '',
  event('ev-1', 'install', 'tester-a', '2023-10-01T10:00:00Z'),
  `{"kind":"event",${event('ev-2', 'session', 'tester-a', '2023-10-02T10:00:00Z').slice(1)}`,
  event('ev-3', 'swipe', 'tester-a', '2023-10-02T11:00:00Z'),
  event('ev-2', 'session', 'tester-a', '2023-10-02T10:00:00Z'),
  NOT_JSON,
  event('ev-4', 'crash', 'nobody', '2023-10-02T12:00:00Z'),
  `{"kind":"tester","appId":"${APP}","email":"not-an-email"}`,
  event('ev-5', 'session', 'tester-b', '2023-10-03T08:00:00+02:00'),
  event('ev-6', 'feedback', 'tester-b', '2023-10-04T09:30:00Z'),
].join('\r\n');

/** What the CLI says of line 9: JSON.parse's own words, from the same Node that runs the CLI. */
function parseError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
const REJECTED = [
  "  line 7: type: 'swipe' is not an event type; use one of install, session, crash, feedback, publicLinkView, publicLinkAccept, publicLinkDecline, publicLinkCriteriaNotMet",
  `  line 9: not JSON (${parseError(NOT_JSON)})`,
  `  line 10: testerId: There is no tester 'nobody' in app '${APP}'; add them with 'beta-metrics testers add'`,
  "  line 11: 'not-an-email' is not an email address",
];

/** The fixture's good lines, as `export` writes them back. */
const EXPORTED = [
  `{"kind":"app","id":"${APP}","name":"Fixture","bundleId":"com.example.fixture","sku":"com.example.fixture","primaryLocale":"en-US"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-a","email":"a@example.com","firstName":"Ada","lastName":"A"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-b","email":"b@example.com"}`,
  event('ev-1', 'install', 'tester-a', '2023-10-01T10:00:00.000Z'),
  event('ev-2', 'session', 'tester-a', '2023-10-02T10:00:00.000Z'),
  event('ev-5', 'session', 'tester-b', '2023-10-03T06:00:00.000Z'),
  event('ev-6', 'feedback', 'tester-b', '2023-10-04T09:30:00.000Z'),
].join('\n');

/** Runs `from`, piping its stdout into `to`'s stdin (or feeds `to` a string), as a shell pipe does. */
function pipeCli(
  from: readonly string[] | string,
  to: readonly string[],
): Promise<CliResult & { from?: number }> {
  const target = spawn(process.execPath, [CLI, ...to], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  target.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  target.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let source: Promise<number | null> = Promise.resolve(0);
  if (typeof from === 'string') target.stdin.end(from);
  else {
    const child = spawn(process.execPath, [CLI, ...from], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(target.stdin);
    source = new Promise((resolve) => child.once('exit', resolve));
  }
  return new Promise((resolve) => {
    target.once('exit', async (code) =>
      resolve({ code: code ?? 1, stdout, stderr, from: (await source) ?? 1 }),
    );
  });
}

describe('import and export with the built CLI', () => {
  let dir: string;
  let file: string;
  const store = (name: string) => ['--data-dir', join(dir, name)];
  const exported = async (name: string) => {
    const result = await runCli(['export', '--app', APP, ...store(name)]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trimEnd();
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-import-'));
    file = join(dir, 'fixture.ndjson');
    await writeFile(file, FIXTURE);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports every good line, lists the bad ones by line number, and exits 1', async () => {
    const result = await runCli(['import', file, '--now', NOW, ...store('a')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        `Read 13 lines from ${file}.`,
        'Apps:    1 created, 0 existing, 0 rejected',
        'Testers: 2 added, 0 existing, 1 rejected',
        'Events:  4 accepted, 1 duplicate, 3 rejected',
        'Rejected lines:',
        ...REJECTED,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('beta-metrics: 4 lines were rejected; every other line was imported\n');
    expect(await exported('a')).toBe(EXPORTED);
  });

  it('importing the same file again finds only what is there (--json), and changes nothing', async () => {
    const result = await runCli(['import', file, '--now', NOW, '--json', ...store('a')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      file,
      linesRead: 13,
      apps: { created: 0, existing: 1, rejected: 0 },
      testers: { added: 0, existing: 2, rejected: 1 },
      preReleaseVersions: { created: 0, existing: 0, rejected: 0 },
      builds: { created: 0, existing: 0, rejected: 0 },
      groups: { created: 0, existing: 0, rejected: 0 },
      screenshotFeedback: { created: 0, existing: 0, rejected: 0 },
      crashFeedback: { created: 0, existing: 0, rejected: 0 },
      screenshotContent: { created: 0, existing: 0, rejected: 0 },
      events: { accepted: 0, duplicates: 5, rejected: 3 },
      rejected: 4,
      rejectedLines: REJECTED.map((text) => {
        const [, line, reason] = /^ {2}line (\d+): (.*)$/.exec(text) ?? [];
        return { line: Number(line), reason };
      }),
      moreRejectedLines: 0,
    });
    expect(await exported('a')).toBe(EXPORTED);
  });

  it('with --strict stops at the first bad line and imports nothing after it', async () => {
    const result = await runCli(['import', file, '--strict', '--now', NOW, ...store('strict')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${REJECTED[0]}\nStopped at line 7 (--strict): nothing after it was imported.\n`,
    );
    expect(result.stderr).toBe('beta-metrics: line 7 was rejected; --strict stopped the import there\n');
    expect(await exported('strict')).toBe(EXPORTED.split('\n').slice(0, 5).join('\n'));
  });

  it('reads standard input when the file is -', async () => {
    const result = await pipeCli(FIXTURE, ['import', '-', '--now', NOW, '--json', ...store('stdin')]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      file: '-',
      linesRead: 13,
      events: { accepted: 4, duplicates: 1, rejected: 3 },
      rejected: 4,
    });
    expect(await exported('stdin')).toBe(EXPORTED);
  });

  it('refuses an unreadable file, or an unknown app to export, in one line', async () => {
    const missing = join(dir, 'missing.ndjson');
    const unreadable = await runCli(['import', missing, ...store('a')]);
    expect(unreadable).toEqual({
      code: 1,
      stdout: '',
      stderr: `beta-metrics: cannot read '${missing}': there is no such file\n`,
    });
    const unknown = await runCli(['export', '--app', '999', ...store('a')]);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: "beta-metrics: there is no app with id '999'; list them with 'apps list'\n",
    });
  });

  it('export | import into a fresh store gives the demo app the same testers and metrics', async () => {
    const demo = join(dir, 'demo');
    const loading = await openRuntime({
      store: { dataDir: demo },
      beforeServices: async (demoStore) => {
        await loadDemoData(demoStore);
      },
    });
    await loading.close();

    const result = await pipeCli(
      ['export', '--app', '6447306070', '--data-dir', demo],
      ['import', '-', '--now', NOW, '--retention-days', '800', '--json', ...store('copy')],
    );
    expect(result.from).toBe(0);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ apps: { created: 1 }, rejected: 0, events: { duplicates: 0 } });

    const read = async (dataDir: string) => {
      const runtime = await openRuntime({ store: { dataDir }, reportTime: new Date(NOW) });
      try {
        const { store: s, services } = runtime;
        const { createdAt: _, ...app } = (await s.findApp('6447306070')) ?? { createdAt: '' };
        const testers = (await s.listTesters({ appIds: ['6447306070'] }, { limit: 10_000 })).map(
          ({ id, email, firstName, lastName }) => ({ id, email, firstName, lastName }),
        );
        return { app, testers, metrics: await metricsOf(services, '6447306070') };
      } finally {
        await runtime.close();
      }
    };
    const original = await read(demo);
    const copy = await read(join(dir, 'copy'));
    expect(original.metrics.P365D?.[0]?.total).toBe(931);
    expect(original.metrics.P7D?.length).toBe(5);
    expect(summary.testers.added).toBe(original.testers.length);
    expect(copy).toEqual(original);
  });
});
