import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { send } from './http-client.js';
import { startProcess } from './server-process.js';
import { median } from './stats.js';

/**
 * `npm run soak [-- --seconds 60] [--database-url URL]`: a built server with the demo, under mixed load for a
 * while (metrics pages with and without padding, ingestion with one batch in five refused, the dashboard's
 * pages, and junk: unknown paths, bad tokens, oversized queries), its resident memory sampled every second.
 * Prints the RSS curve and whether it stayed flat: the last third's median against the middle third's.
 * No figure here is asserted by a test; a flat curve is what docs/ and the README claim.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'database-url': { type: 'string' },
    connections: { type: 'string', default: '8' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const APP = '6447306070';
const MAIN = 'dist/main.js';
const KIND_NAMES = ['metrics', 'padded-metrics', 'ingest', 'dashboard', 'unknown-path', 'bad-token'];

const dataDir = mkdtempSync(join(tmpdir(), 'beta-metrics-soak-'));
const storeArgs =
  values['database-url'] === undefined ? ['--data-dir', dataDir] : ['--database-url', values['database-url']];
const cli = (...args: string[]) =>
  execFileSync(process.execPath, [MAIN, ...args, ...storeArgs], { encoding: 'utf8' });

async function main() {
  console.log(
    `soak: ${SECONDS} s of mixed load, ${CONNECTIONS} concurrent clients, store ${values['database-url'] ?? dataDir}`,
  );
  const server = await startProcess(MAIN, (port) => [
    'serve',
    '--demo',
    '--listen',
    `127.0.0.1:${port}`,
    '--rate-limit',
    '0',
    '--log-level',
    'warn',
    ...storeArgs,
  ]);
  try {
    const key = JSON.parse(
      cli('keys', 'create', '--name', 'soak', '--role', 'ADMIN', '--out', dataDir, '--json'),
    ) as {
      keyId: string;
      issuerId: string;
      keyFile: string;
    };
    const token = execFileSync(process.execPath, [
      MAIN,
      'token',
      '--key-file',
      key.keyFile,
      '--key-id',
      key.keyId,
      '--issuer-id',
      key.issuerId,
    ])
      .toString()
      .trim();
    const ingestKey = (JSON.parse(cli('ingest-keys', 'create', '--app', APP, '--json')) as { key: string })
      .key;
    const link = JSON.parse(cli('dashboard-link', '--json', '--public-url', server.url)) as { url: string };
    const login = await send(
      'POST',
      `${server.url}/dashboard/login`,
      {
        origin: server.url,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      `token=${encodeURIComponent(new URL(link.url).searchParams.get('token') ?? '')}`,
    );
    const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const auth = { authorization: `Bearer ${token}` };
    const testers = JSON.parse(
      (
        await send('GET', `${server.url}/v1/betaTesters?filter%5Bapps%5D=${APP}&limit=200`, auth)
      ).body.toString(),
    ) as { data: Array<{ id: string }> };
    const testerIds = testers.data.map((tester) => tester.id);
    if (testerIds.length === 0 || !cookie.startsWith('bm_session='))
      throw new Error('the soak could not set up');

    let n = 0;
    const statuses = new Map<string, number>();
    const now = Date.parse('2023-10-05T11:00:00Z');
    const kinds: Array<() => Promise<number>> = [
      async () =>
        (
          await send(
            'GET',
            `${server.url}/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=200&period=P365D`,
            auth,
          )
        ).status,
      async () =>
        (
          await send(
            'GET',
            `${server.url}/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=5${'&'.repeat(n % 2000)}&=${n}`,
            auth,
          )
        ).status,
      async () => {
        const bad = n % 5 === 0;
        const events = Array.from({ length: 100 }, (_, i) => ({
          id: randomUUID(),
          type: i % 10 === 0 ? 'crash' : 'session',
          appId: APP,
          testerId: testerIds[(n + i) % testerIds.length],
          timestamp: new Date(now - (i % 48) * 3_600_000).toISOString(),
          ...(bad && i === 50 && { build: 'a\u0000b' }),
        }));
        return (
          await send(
            'POST',
            `${server.url}/ingest/v1/events`,
            { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
            JSON.stringify({ events }),
          )
        ).status;
      },
      async () =>
        (
          await send(
            'GET',
            `${server.url}/dashboard/apps/${APP}?period=${['P7D', 'P30D', 'P90D', 'P365D'][n % 4]}&page=${(n % 5) + 1}`,
            {
              cookie,
            },
          )
        ).status,
      async () => (await send('GET', `${server.url}/v1/${'x'.repeat(n % 3000)}`, auth)).status,
      async () =>
        (await send('GET', `${server.url}/v1/apps`, { authorization: `Bearer ${randomUUID()}.${n}` })).status,
    ];

    const samples: number[] = [];
    const rss = () =>
      Number(
        /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? Number.NaN,
      ) / 1024;
    const deadline = Date.now() + SECONDS * 1000;
    const sampler = setInterval(() => samples.push(rss()), 1000);
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < deadline) {
          const kind = n++ % kinds.length;
          const status = await (kinds[kind] as () => Promise<number>)();
          const name = `${KIND_NAMES[kind]} ${status}`;
          statuses.set(name, (statuses.get(name) ?? 0) + 1);
        }
      }),
    );
    clearInterval(sampler);

    console.log(`requests: ${n}; by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    console.log(
      'RSS, MB, every 5 s:',
      samples
        .filter((_, i) => i % 5 === 4)
        .map((mb) => mb.toFixed(0))
        .join(' '),
    );
    const third = Math.floor(samples.length / 3);
    const middle = median(samples.slice(third, 2 * third));
    const last = median(samples.slice(2 * third));
    console.log(
      `RSS median: first third ${median(samples.slice(0, third)).toFixed(0)} MB, middle ${middle.toFixed(0)} MB, last ${last.toFixed(0)} MB; peak ${server.peakRssMb().toFixed(0)} MB`,
    );
    console.log(
      last <= middle * 1.1
        ? 'flat: the last third is within 10% of the middle third'
        : 'GROWING: the last third is more than 10% above the middle third',
    );
    if ([...statuses.keys()].some((name) => / 5\d\d$/.test(name)))
      console.log('5xx answers were seen: look at the log');
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${error instanceof Error ? error.message : String(error)}`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exitCode = 1;
});
