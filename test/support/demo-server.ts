import { spawn } from 'node:child_process';
import { CLI, runCli } from './cli-process.js';

/** A built `serve --demo` with many testers, a key of its own and a way to read the API as a client does. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** A fresh one-time sign-in link from `dashboard-link`. */
  loginLink(): Promise<string>;
  /** Every row of GET /v1/apps/{app}/metrics/betaTesterUsages for `period` (all pages), by tester id. */
  usage(appId: string, period: string, testerId?: string): Promise<Map<string, UsageValues>>;
  /** The bearer token the API calls use: it must never show up in a page. */
  readonly apiToken: string;
  stop(): Promise<void>;
}

export interface UsageValues {
  crashCount: number;
  sessionCount: number;
  feedbackCount: number;
}

/**
 * Starts `node dist/main.js serve --demo --demo-testers <testers>` on a free port over `dataDir`, and resolves
 * once it has printed its sign-in link (loading ~200,000 demo events takes a while on a first start).
 */
export async function startDemoServer(dataDir: string, testers: number): Promise<DemoServer> {
  const key = await runCli([
    'keys',
    'create',
    '--name',
    'browser test',
    '--role',
    'ADMIN',
    '--out',
    dataDir,
    '--json',
    '--data-dir',
    dataDir,
  ]);
  if (key.code !== 0) throw new Error(key.stderr);
  const { keyFile, keyId, issuerId } = JSON.parse(key.stdout) as {
    keyFile: string;
    keyId: string;
    issuerId: string;
  };
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--demo',
      '--demo-testers',
      String(testers),
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--rate-limit',
      '0',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo server did not start in 4 minutes\n${output}`));
    }, 240_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening?.[1] !== undefined && output.includes('Sign in to the dashboard')) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited before it was ready\n${output}`));
    });
  });
  const minted = await runCli(['token', '--key-file', keyFile, '--key-id', keyId, '--issuer-id', issuerId]);
  if (minted.code !== 0) throw new Error(minted.stderr);
  const apiToken = minted.stdout.trim();

  return {
    baseUrl,
    apiToken,
    async loginLink() {
      const made = await runCli(['dashboard-link', '--data-dir', dataDir, '--public-url', baseUrl, '--json']);
      if (made.code !== 0) throw new Error(made.stderr);
      return (JSON.parse(made.stdout) as { url: string }).url;
    },
    async usage(appId, period, testerId) {
      const rows = new Map<string, UsageValues>();
      let url: string | undefined = testerId
        ? `${baseUrl}/v1/apps/${appId}/metrics/betaTesterUsages?period=${period}&filter%5BbetaTesters%5D=${testerId}`
        : `${baseUrl}/v1/apps/${appId}/metrics/betaTesterUsages?period=${period}&groupBy=betaTesters&limit=200`;
      while (url !== undefined) {
        const response = await fetch(url, { headers: { authorization: `Bearer ${apiToken}` } });
        if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as {
          data: Array<{
            dataPoints: Array<{ values: UsageValues }>;
            dimensions?: { betaTesters?: { data: { id: string } } };
          }>;
          links: { next?: string };
        };
        for (const item of body.data) {
          const id = item.dimensions?.betaTesters?.data.id ?? testerId ?? '';
          const values = item.dataPoints[0]?.values ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
          rows.set(id, values);
        }
        url = body.links.next;
      }
      return rows;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
