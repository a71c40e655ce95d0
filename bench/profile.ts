import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INGEST_APP, invalidate, prepareFixture, removeIngestApp } from './fixture.js';
import { getJson } from './http-client.js';
import { EventSource, ingestOverHttp } from './ingest-load.js';
import { load } from './load.js';
import { benchStore, STORE_OPTIONS, serveArgs } from './options.js';
import { startProcess } from './server-process.js';
import { BENCH_PATHS } from './workload.js';

/**
 * `npm run bench:profile -- --load metrics|seed|app|cold|ingest [--seconds N]`: runs one load (the repeated
 * metrics page, the seed's first example, `GET /v1/apps/{id}`, the metrics page cold: one invalidating write
 * before each read, one at a time, as run.ts's cold figures; or ingestion) against a server started with
 * `node --cpu-prof`, then prints where its CPU time went: the functions with the most self time, and the
 * share of time by module (node internals, fastify, kysely, better-sqlite3 / pg, this project).
 */
const { values } = parseArgs({
  options: {
    ...STORE_OPTIONS,
    load: { type: 'string', default: 'metrics' },
    seconds: { type: 'string', default: '8' },
    // As bench/run.ts's --ingest-ids: client (time-ordered, as beta-metrics/ingest makes them) or random.
    'ingest-ids': { type: 'string', default: 'client' },
  },
});
const target = benchStore(values);
const seconds = Number(values.seconds);
const directory = '.bench/prof';
rmSync(directory, { recursive: true, force: true });
const fixture = await prepareFixture(target, { migrate: true });
const server = await startProcess('--cpu-prof', (port) => [
  `--cpu-prof-dir=${directory}`,
  'dist/main.js',
  ...serveArgs(target, port),
]);
try {
  if (values.load === 'ingest') {
    const rate = await ingestOverHttp(
      [server.url],
      fixture.ingestAppKey,
      new EventSource(
        INGEST_APP.id,
        fixture.testerIds,
        values['ingest-ids'] === 'random' ? 'random' : 'client',
      ),
      seconds,
    );
    console.log(`ingestion: ${Math.round(rate)} events/s`);
  } else {
    const headers = { authorization: `Bearer ${await fixture.token()}` };
    const metricsUrl = `${server.url}${BENCH_PATHS.metricsPage}`;
    const urls: Record<string, string> = {
      metrics: metricsUrl,
      seed: `${server.url}${BENCH_PATHS.seedExample}`,
      app: `${server.url}${BENCH_PATHS.app}`,
    };
    if (values.load === 'cold') {
      const until = performance.now() + seconds * 1000;
      const times: number[] = [];
      while (performance.now() < until) {
        await invalidate(server.url, fixture);
        times.push((await getJson(metricsUrl, headers)).ms);
      }
      times.sort((a, b) => a - b);
      console.log(`cold metrics page: ${times.length} reads, p50 ${times[times.length >> 1]?.toFixed(1)} ms`);
    } else {
      const url = urls[values.load];
      if (url === undefined)
        throw new Error(`--load ${values.load}: one of ingest, cold, ${Object.keys(urls).join(', ')}`);
      const result = await load(url, headers, { connections: 16, seconds });
      console.log(
        `repeated ${values.load}: ${Math.round(result.rps)} req/s (${result.generator} at ${Math.round(result.generatorCpu * 100)}% of a core)`,
      );
    }
  }
} finally {
  await server.stop();
  await removeIngestApp(target);
}
summarize(join(directory, readdirSync(directory).find((file) => file.endsWith('.cpuprofile')) ?? ''));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const time = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
    const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + time);
    modules.set(moduleOf(functionName, url), (modules.get(moduleOf(functionName, url)) ?? 0) + time);
    total += time;
  });
  const percent = (time: number) => `${((100 * time) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nby module:`);
  for (const [name, time] of [...modules].sort((a, b) => b[1] - a[1]))
    console.log(`${percent(time)}  ${name}`);
  console.log('\nfunctions with the most self time:');
  for (const [name, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${percent(time)}  ${name}`);
}

function moduleOf(functionName: string, url: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native: sqlite, crypto, zlib, ...)';
  if (url.startsWith('node:')) return 'node internals (http, net, streams)';
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (packageName !== undefined) return packageName;
  return 'beta-metrics';
}
