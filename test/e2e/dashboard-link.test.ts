import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';

// `beta-metrics dashboard-link` and `serve`'s dashboard line, on the built CLI and a real server sharing a store.

let dir: string;
let server: ServerProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-dashboard-'));
  server = await startServer(['--data-dir', dir]);
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const signIn = (url: string, token: string) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: server.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${token}`,
  });

describe('dashboard-link', () => {
  it('prints a one-time link on the public URL, valid for 15 minutes', async () => {
    const before = Date.now();
    const made = await runCli([
      'dashboard-link',
      '--data-dir',
      dir,
      '--public-url',
      'https://metrics.example.com/',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const { url, expiresAt } = JSON.parse(made.stdout) as { url: string; expiresAt: string };
    expect(url).toMatch(/^https:\/\/metrics\.example\.com\/dashboard\/login\?token=[A-Za-z0-9_-]{43}$/);
    const lasts = Date.parse(expiresAt) - before;
    expect(lasts).toBeGreaterThan(14 * 60_000);
    expect(lasts).toBeLessThanOrEqual(15 * 60_000 + 5_000);
  });

  it('signs in to a server on the same store once, which then shows the dashboard', async () => {
    await until(() => server.output().includes('Dashboard: '));
    expect(server.output()).toContain(`Dashboard: ${server.baseUrl}/dashboard (sign in with a link from: `);
    const made = await runCli(['dashboard-link', '--data-dir', dir, '--public-url', server.baseUrl]);
    expect(made.code, made.stderr).toBe(0);
    const [link = ''] = made.stdout.split('\n');
    expect(made.stdout).toContain('it signs you in once (a session lasts 12 hours)');
    const token = new URL(link).searchParams.get('token') ?? '';
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    const signedIn = await signIn(`${server.baseUrl}/dashboard/login`, token);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    const apps = await fetch(`${server.baseUrl}/dashboard`, { headers: { cookie } });
    expect(apps.status).toBe(200);
    expect(await apps.text()).toContain('No app yet.');
    expect((await signIn(`${server.baseUrl}/dashboard/login`, token)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/dashboard`)).status).toBe(401);
  });

  it('refuses --demo-testers without --demo', async () => {
    const refused = await runCli([
      'serve',
      '--data-dir',
      dir,
      '--demo-testers',
      '10',
      '--listen',
      '127.0.0.1:0',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--demo-testers works with --demo only');
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
