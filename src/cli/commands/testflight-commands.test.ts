import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessCli } from '../../../test/support/cli-in-process.js';

/** apps set, versions, builds and groups in process, on one store, as an operator would type them. */
describe('beta-metrics apps set | versions | builds | groups (in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-testflight-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const run = inProcessCli(() => dir);

  it("sets a tester's app devices from JSON, clears them with none, and refuses a platform Apple has not", async () => {
    await run('apps', 'create', '--name', 'Lumen', '--bundle-id', 'com.example.l', '--id', '100');
    await run('testers', 'add', '--app', '100', '--email', 'a@example.com', '--id', 't1');
    const devices = [{ model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0', appBuildVersion: '412' }];
    const set = await run('testers', 'set', 't1', '--app-devices', JSON.stringify(devices), '--json');
    expect(set.code).toBe(0);
    expect(set.json()).toEqual({ id: 't1', appDevices: devices });
    const bad = await run('testers', 'set', 't1', '--app-devices', '[{"platform":"ANDROID"}]');
    expect(bad.code).not.toBe(0);
    expect(bad.shown.errors.join('\n')).toContain("'ANDROID' is not a app devices platform; use one of IOS");
    const unknown = await run('testers', 'set', 'nobody', '--app-devices', '[]');
    expect(unknown.shown.errors.join('\n')).toContain("there is no tester with id 'nobody'");
    const cleared = await run('testers', 'set', 't1', '--app-devices', 'none', '--json');
    expect(cleared.json()).toEqual({ id: 't1', appDevices: null });
  });

  it('sets every kind of attribute, and lists what it made as JSON', async () => {
    expect(
      (await run('apps', 'create', '--name', 'Lumen', '--bundle-id', 'com.example.l', '--id', '100')).code,
    ).toBe(0);
    const set = await run(
      'apps',
      'set',
      '100',
      '--allow-unknown-builds',
      'true',
      '--made-for-kids',
      'true',
      '--json',
    );
    expect(set.json()).toMatchObject({ id: '100', allowUnknownBuilds: true, isOrEverWasMadeForKids: true });
    await run('testers', 'add', '--app', '100', '--email', 'a@example.com', '--id', 't1');

    expect((await run('versions', 'create', '--app', '100', '--number', '1.5', '--id', 'v15')).code).toBe(0);
    const build = await run(
      'builds',
      'create',
      '--app',
      '100',
      '--number',
      '412',
      '--id',
      'b412',
      '--pre-release-version',
      'v15',
      '--uses-non-exempt-encryption',
      'false',
      '--icon',
      'https://example.invalid/{w}x{h}.png:1024:1024',
      '--external-state',
      'IN_BETA_TESTING',
      '--tester',
      't1',
      '--json',
    );
    expect(build.code).toBe(0);
    expect(build.json()).toMatchObject({
      version: '412',
      preReleaseVersionId: 'v15',
      usesNonExemptEncryption: false,
      iconAssetToken: { templateUrl: 'https://example.invalid/{w}x{h}.png', width: 1024, height: 1024 },
      betaDetail: { externalBuildState: 'IN_BETA_TESTING' },
      individualTesterIds: ['t1'],
    });
    const group = await run(
      'groups',
      'create',
      '--app',
      '100',
      '--name',
      'Open Beta',
      '--id',
      'g1',
      '--public-link',
      'true',
      '--public-link-limit-enabled',
      'true',
      '--public-link-limit',
      '500',
      '--tester',
      't1',
      '--build',
      'b412',
      '--json',
    );
    expect(group.json()).toMatchObject({
      publicLinkEnabled: true,
      publicLinkLimit: 500,
      publicLink: expect.stringMatching(/^https:\/\/testflight\.apple\.com\/join\/.+/),
      testerIds: ['t1'],
      buildIds: ['b412'],
    });
    expect(
      (
        await run(
          'groups',
          'set',
          'g1',
          '--public-link-limit',
          'none',
          '--public-link-limit-enabled',
          'false',
        )
      ).code,
    ).toBe(0);
    const listed = await run('groups', 'list', '--app', '100');
    expect(listed.shown.lines.join('\n')).toMatch(/g1\s+Open Beta\s+external\s+1\s+1\s+https:/);
    expect((await run('builds', 'list', '--app', '100', '--json')).json()).toMatchObject([{ id: 'b412' }]);
    expect((await run('versions', 'list', '--app', '100', '--json')).json()).toEqual([
      { id: 'v15', appId: '100', version: '1.5', platform: 'IOS' },
    ]);
  });

  it("refuses values outside Apple's enumerations and ranges, saying what would do", async () => {
    await run('apps', 'create', '--name', 'Lumen', '--bundle-id', 'com.example.l', '--id', '100');
    const state = await run(
      'builds',
      'create',
      '--app',
      '100',
      '--number',
      '1',
      '--processing-state',
      'DONE',
    );
    expect(state.code).not.toBe(0);
    expect(state.shown.errors.join('\n')).toContain(
      "'DONE' is not a processing state; use one of PROCESSING, FAILED, INVALID, VALID",
    );
    const limit = await run(
      'groups',
      'create',
      '--app',
      '100',
      '--name',
      'G',
      '--public-link-limit',
      '10001',
    );
    expect(limit.shown.errors.join('\n')).toContain(
      'the public link limit must be a whole number from 1 to 10000',
    );
    const flag = await run('apps', 'set', '100', '--allow-unknown-builds', 'yes');
    expect(flag.shown.errors.join('\n')).toContain('--allow-unknown-builds takes true or false');
    const unknown = await run(
      'builds',
      'create',
      '--app',
      '100',
      '--number',
      '2',
      '--pre-release-version',
      'nope',
    );
    expect(unknown.shown.errors.join('\n')).toContain('there is no pre-release version nope of app 100');
  });

  it('records screenshot and crash feedback with their device details and log, lists them, and refuses bad input', async () => {
    await run('apps', 'create', '--name', 'Lumen', '--bundle-id', 'com.example.l', '--id', '100');
    await run('testers', 'add', '--app', '100', '--email', 'a@example.com', '--id', 't1');
    await run('builds', 'create', '--app', '100', '--number', '412', '--id', 'b412');
    const shot = await run(
      'feedback',
      'screenshot',
      '--app',
      '100',
      '--id',
      'f1',
      '--build',
      'b412',
      '--tester',
      't1',
      '--comment',
      'The chart is cut off',
      '--battery',
      '54',
      '--connection-type',
      'WIFI',
      '--created-date',
      '2026-11-02T10:00:00Z',
      '--screenshot',
      'https://example.com/s1.png:1170:2532',
      '--json',
    );
    expect(shot.code).toBe(0);
    expect(shot.json()).toMatchObject({
      id: 'f1',
      buildId: 'b412',
      testerId: 't1',
      comment: 'The chart is cut off',
      batteryPercentage: 54,
      connectionType: 'WIFI',
      screenshots: [{ url: 'https://example.com/s1.png', width: 1170, height: 2532 }],
    });
    const logPath = join(dir, 'crash.txt');
    await writeFile(logPath, 'Exception Type: EXC_CRASH (SIGABRT)\n');
    const crash = await run(
      'feedback',
      'crash',
      '--app',
      '100',
      '--id',
      'c1',
      '--log-file',
      logPath,
      '--created-date',
      '2026-11-03T10:00:00Z',
      '--json',
    );
    expect(crash.code).toBe(0);
    expect(crash.json()).toMatchObject({
      id: 'c1',
      crashLog: { logText: 'Exception Type: EXC_CRASH (SIGABRT)\n' },
    });
    const listed = await run('feedback', 'list', '--app', '100');
    expect(listed.code).toBe(0);
    const table = listed.shown.lines.join('\n');
    expect(table.indexOf('c1')).toBeGreaterThan(-1);
    expect(table.indexOf('c1')).toBeLessThan(table.indexOf('f1'));
    expect(table).toContain('The chart is cut off');
    const onlyCrashes = await run('feedback', 'list', '--app', '100', '--kind', 'crash', '--json');
    expect(onlyCrashes.json()).toMatchObject({ screenshots: [], crashes: [{ id: 'c1' }] });

    const battery = await run('feedback', 'screenshot', '--app', '100', '--battery', '101');
    expect(battery.shown.errors.join('\n')).toContain('battery percentage');
    const image = await run('feedback', 'screenshot', '--app', '100', '--screenshot', 'shot.png');
    expect(image.shown.errors.join('\n')).toContain('--screenshot takes URL:WIDTH:HEIGHT');
    const missing = await run('feedback', 'crash', '--app', '100', '--log-file', join(dir, 'nope.txt'));
    expect(missing.shown.errors.join('\n')).toContain('cannot read the crash log');
    const stranger = await run('feedback', 'screenshot', '--app', '100', '--tester', 'nobody');
    expect(stranger.code).not.toBe(0);
    const after = await run('feedback', 'list', '--app', '100', '--json');
    expect(after.json()).toMatchObject({ screenshots: [{ id: 'f1' }], crashes: [{ id: 'c1' }] });
  });
});
