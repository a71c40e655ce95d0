import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingDeps } from '../../../test/support/cli-in-process.js';
import { runCli } from '../run.js';

/** Names are the testers' own: what a terminal would act on is printed as escapes, never raw. */
const EVE = '\u001b[31mEve\u202e';
const SHOWN_EVE = '\\x1b[31mEve\\u202e';
/** What must never reach a terminal raw: C0/C1 controls, DEL, bidi overrides and isolates, marks. */
const RAW = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** What was printed, without the line breaks between lines (themselves controls). */
const joined = (printed: string) => printed.replaceAll('\n', '');

describe('stored text in what the CLI prints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-text-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const cli = async (...args: string[]) => {
    const { deps, shown } = recordingDeps();
    const code = await runCli([...args, '--data-dir', join(dir, 'store')], deps);
    return { code, out: shown.lines.join('\n'), err: shown.errors.join('\n') };
  };

  it('testers list, apps list and keys list show controls and bidi characters escaped; --json keeps them', async () => {
    const app = '1000000001';
    expect(
      (
        await cli(
          'apps',
          'create',
          '--id',
          app,
          '--name',
          `\u001b]0;owned\u0007App\u2066`,
          '--bundle-id',
          'com.example.a',
        )
      ).code,
    ).toBe(0);
    const added = await cli(
      'testers',
      'add',
      '--app',
      app,
      '--email',
      'eve@example.com',
      '--first-name',
      EVE,
      '--last-name',
      'O\u009b2J\u200f',
    );
    expect(added.code, added.err).toBe(0);
    const keyAdded = await cli('keys', 'create', '--name', 'ci\rkey\u007f', '--role', 'ADMIN', '--out', dir);
    expect(keyAdded.code, keyAdded.err).toBe(0);

    const testers = await cli('testers', 'list', '--app', app);
    expect(testers.code, testers.err).toBe(0);
    expect(testers.out).toContain(`${SHOWN_EVE} O\\x9b2J\\u200f`);
    const apps = await cli('apps', 'list');
    expect(apps.out).toContain('\\x1b]0;owned\\x07App\\u2066');
    const keys = await cli('keys', 'list');
    expect(keys.out).toContain('ci\\x0dkey\\x7f');
    for (const printed of [testers.out, apps.out, keys.out, keyAdded.out])
      expect(joined(printed)).not.toMatch(RAW);

    const json = await cli('testers', 'list', '--app', app, '--json');
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ firstName: EVE, lastName: 'O\u009b2J\u200f' }),
    ]);
  });

  it("import's rejected lines and an error's one line show what they quote escaped", async () => {
    const file = join(dir, 'in.ndjson');
    await writeFile(
      file,
      [
        '{"kind":"app","id":"1","name":"A","bundleId":"com.example.a"}',
        '{"kind":"tester","appId":"1","email":"\\u001b[2J\\u202e@x"}',
      ].join('\n'),
    );
    const imported = await cli('import', file);
    expect(imported.code).toBe(1);
    expect(imported.out).toContain("line 2: '\\x1b[2J\\u202e@x' is not an email address");
    expect(joined(`${imported.out}${imported.err}`)).not.toMatch(RAW);

    const failed = await cli('testers', 'add', '--app', '1', '--email', '\u001b[2J@x');
    expect(failed.err).toBe("beta-metrics: '\\x1b[2J@x' is not an email address");
  });
});
