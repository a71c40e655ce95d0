import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

/** One line on stderr, no stack trace, the given exit code. */
function expectOneLineError(result: { code: number; stderr: string }, code: number, text: string | RegExp) {
  expect(result.code).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(text);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines;
}

describe('operators set up apps, testers and keys without the demo', () => {
  let dir: string;
  let store: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-ops-'));
    store = ['--data-dir', join(dir, 'store')];
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates and lists apps, with --json printing one object', async () => {
    const created = await runCli([
      'apps',
      'create',
      '--name',
      'Nightjar',
      '--bundle-id',
      'com.example.nightjar',
      '--id',
      '1234567890',
      '--json',
      ...store,
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({
      id: '1234567890',
      name: 'Nightjar',
      bundleId: 'com.example.nightjar',
      sku: 'com.example.nightjar',
      primaryLocale: 'en-US',
    });
    const generated = await runCli([
      'apps',
      'create',
      '--name',
      'Kestrel',
      '--bundle-id',
      'com.example.kestrel',
      '--json',
      ...store,
    ]);
    expect(JSON.parse(generated.stdout).id).toMatch(/^[1-9]\d{9}$/);
    const listed = await runCli(['apps', 'list', '--json', ...store]);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((app) => app.name).sort()).toEqual([
      'Kestrel',
      'Nightjar',
    ]);
    const table = await runCli(['apps', 'list', ...store]);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+BUNDLE ID\s+SKU\n/);
    expect(table.stdout).toContain('1234567890  Nightjar');
  });

  it('refuses invalid and duplicate apps in one line', async () => {
    expectOneLineError(
      await runCli(['apps', 'create', '--name', 'Again', '--bundle-id', 'com.example.nightjar', ...store]),
      1,
      "beta-metrics: an app with this bundle id already exists; choose another or list them with 'apps list'",
    );
    expectOneLineError(
      await runCli([
        'apps',
        'create',
        '--name',
        'Again',
        '--bundle-id',
        'com.example.other',
        '--id',
        '1234567890',
        ...store,
      ]),
      1,
      'beta-metrics: an app with this id already exists',
    );
    expectOneLineError(
      await runCli(['apps', 'create', '--name', 'Bad', '--bundle-id', 'no-dots', ...store]),
      1,
      "beta-metrics: 'no-dots' is not a bundle id; use reverse-DNS form like com.example.app",
    );
    expectOneLineError(
      await runCli(['apps', 'create', '--bundle-id', 'com.example.x', ...store]),
      2,
      /required option '--name <name>'/,
    );
  });

  it('adds testers who start INVITED, and lists them per app', async () => {
    const added = await runCli([
      'testers',
      'add',
      '--app',
      '1234567890',
      '--email',
      'Ada@Example.com',
      '--first-name',
      'Ada',
      '--last-name',
      'Lovelace',
      '--json',
      ...store,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const tester = JSON.parse(added.stdout);
    expect(tester).toMatchObject({
      appId: '1234567890',
      email: 'Ada@Example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      state: 'INVITED',
      created: true,
    });
    expect(tester.id).toMatch(/^[0-9a-f-]{36}$/);
    const chosen = await runCli([
      'testers',
      'add',
      '--app',
      '1234567890',
      '--email',
      'bob@example.com',
      '--id',
      'bob-1',
      '--json',
      ...store,
    ]);
    expect(JSON.parse(chosen.stdout).id).toBe('bob-1');
    const listed = await runCli(['testers', 'list', '--app', '1234567890', '--json', ...store]);
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; email: string; state: string }>;
    expect(rows.map((row) => row.id)).toEqual(['bob-1', tester.id].sort());
    expect(rows.map((row) => row.state)).toEqual(['INVITED', 'INVITED']);
    expect(rows.map((row) => row.email).sort()).toEqual(['Ada@Example.com', 'bob@example.com']);
  });

  it('refuses invalid and duplicate testers in one line', async () => {
    expectOneLineError(
      await runCli(['testers', 'add', '--app', '1234567890', '--email', 'ada@example.COM', ...store]),
      1,
      'beta-metrics: the tester ada@example.COM is already in app 1234567890',
    );
    expectOneLineError(
      await runCli(['testers', 'add', '--app', '1234567890', '--email', 'not-an-email', ...store]),
      1,
      "beta-metrics: 'not-an-email' is not an email address",
    );
    expectOneLineError(
      await runCli(['testers', 'add', '--app', '999', '--email', 'x@example.com', ...store]),
      1,
      "beta-metrics: there is no app with id '999'; list them with 'apps list'",
    );
    expectOneLineError(
      await runCli(['testers', 'list', '--app', '999', ...store]),
      1,
      "beta-metrics: there is no app with id '999'",
    );
  });

  it('lists and revokes keys, and refuses unknown roles and keys in one line', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--name',
      'CI',
      '--role',
      'DEVELOPER',
      '--individual',
      '--out',
      dir,
      '--json',
      ...store,
    ]);
    const key = JSON.parse(created.stdout) as { keyId: string; issuerId: string | null };
    expect(key.issuerId).toBeNull();
    const listed = await runCli(['keys', 'list', '--json', ...store]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        keyId: key.keyId,
        name: 'CI',
        role: 'DEVELOPER',
        kind: 'INDIVIDUAL',
        revokedAt: null,
      }),
    ]);
    expect(listed.stdout).not.toContain('PRIVATE KEY');
    expect(listed.stdout).not.toContain('PUBLIC KEY');
    const revoked = await runCli(['keys', 'revoke', key.keyId, '--json', ...store]);
    expect(JSON.parse(revoked.stdout).revokedAt).toMatch(/^\d{4}-/);
    expectOneLineError(
      await runCli(['keys', 'revoke', key.keyId, ...store]),
      1,
      `beta-metrics: the key ${key.keyId} was already revoked at`,
    );
    expectOneLineError(
      await runCli(['keys', 'revoke', 'NOSUCHKEY0', ...store]),
      1,
      "beta-metrics: there is no key with id 'NOSUCHKEY0'",
    );
    expectOneLineError(
      await runCli(['keys', 'create', '--name', 'X', '--role', 'OWNER', ...store]),
      1,
      "beta-metrics: 'OWNER' is not a role; use one of ADMIN, APP_MANAGER, DEVELOPER, MARKETING, SALES, FINANCE, CUSTOMER_SUPPORT",
    );
  });

  it('refuses token requests it cannot honour in one line, without showing the key', async () => {
    const created = await runCli([
      'keys',
      'create',
      '--name',
      'T',
      '--role',
      'ADMIN',
      '--out',
      dir,
      '--json',
      ...store,
    ]);
    const key = JSON.parse(created.stdout) as { keyId: string; issuerId: string; keyFile: string };
    const token = await runCli([
      'token',
      '--key-file',
      key.keyFile,
      '--key-id',
      key.keyId,
      '--issuer-id',
      key.issuerId,
      '--ttl',
      '60',
      '--json',
    ]);
    const printed = JSON.parse(token.stdout) as { token: string; expiresAt: string };
    expect(printed.token.split('.')).toHaveLength(3);
    expectOneLineError(
      await runCli(['token', '--key-file', key.keyFile, '--key-id', key.keyId, '--ttl', '1201']),
      1,
      "beta-metrics: the token lifetime must be 1 to 1200 seconds (Apple's limit)",
    );
    const notAKey = await runCli([
      'token',
      '--key-file',
      join(dir, 'store', 'beta-metrics.db'),
      '--key-id',
      key.keyId,
    ]);
    expectOneLineError(notAKey, 1, 'beta-metrics: the key file is not a PKCS#8 private key');
    expectOneLineError(
      await runCli(['token', '--key-file', join(dir, 'missing.p8'), '--key-id', 'X']),
      1,
      /cannot read .*missing\.p8 \(ENOENT\)/,
    );
  });
});
