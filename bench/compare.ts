import { parseArgs } from 'node:util';
import { type Fixture, INGEST_APP, prepareFixture } from './fixture.js';
import { commandTicks, microsecondsEach, readProcessTicks, ticksBetween } from './generator-cpu.js';
import { EventSource, ingestOverHttp } from './ingest-load.js';
import { type BenchStore, benchStore, STORE_OPTIONS, serveArgs } from './options.js';
import { type ServerProcess, startProcess } from './server-process.js';
import { median } from './stats.js';
import { BENCH_PATHS } from './workload.js';
import { runWrk } from './wrk.js';

/**
 * `npm run bench:compare -- --build NAME=PATH[@NODE_OPTIONS] --build ... --load ingest|seed|app|page [--rounds N]
 * [--seconds N] [--database-url URL] [--store NAME=DATA_DIR]`: builds of the server (`PATH` is a `dist/main.js`;
 * the same path twice with other node options compares those) started one at a time on the bench store and
 * loaded alike, the order reversed every round. `--store` gives a build an embedded store of its own (a copy of
 * the bench store with another layout, to compare layouts with one build). For each run: the rate, the server's
 * CPU (every thread, from /proc) per event or answer and, on a PostgreSQL of this machine, the database's (every
 * `postgres` process); for `seed`, `app` and `page` (the seed's first example, `GET /v1/apps/{id}` and the
 * metrics page of 91 KB, replayed) also wrk's own CPU, which must stay below a core for the rate to mean
 * anything. Then, per build, the medians and the median of its ratio to the first build in each round.
 *
 * Why pairs: on these 2-core VMs one build's rate moved by a third between runs minutes apart, more than most
 * changes move it, so a full run of each build (run.ts) cannot tell them apart; runs side by side in time, many
 * times, and the median of their ratios can (BENCHMARKS.md, "How a throughput row is judged").
 */
const { values } = parseArgs({
  options: {
    ...STORE_OPTIONS,
    build: { type: 'string', multiple: true, default: [] },
    load: { type: 'string', default: 'ingest' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '8' },
    store: { type: 'string', multiple: true, default: [] },
  },
});

interface Build {
  readonly name: string;
  readonly script: string;
  readonly nodeOptions: string;
  /** The store it runs on: the bench store unless `--store` names another. */
  readonly target: BenchStore;
}

const target = benchStore(values);
const ownStores = new Map(
  (values.store ?? []).map((spec) => {
    const match = /^([^=]+)=(.+)$/.exec(spec);
    if (match === null || target.backend !== 'sqlite')
      throw new Error(
        `--store ${spec}: NAME=DATA_DIR, an embedded store's directory (not with --database-url)`,
      );
    return [match[1] as string, benchStore({ 'data-dir': match[2] as string })];
  }),
);
const builds: Build[] = (values.build ?? []).map((spec) => {
  const match = /^([^=]+)=([^@]+)(?:@(.*))?$/.exec(spec);
  if (match === null) throw new Error(`--build ${spec}: NAME=PATH[@NODE_OPTIONS], e.g. head=dist/main.js`);
  const name = match[1] as string;
  return {
    name,
    script: match[2] as string,
    nodeOptions: match[3] ?? '',
    target: ownStores.get(name) ?? target,
  };
});
const unnamed = [...ownStores.keys()].filter((name) => !builds.some((build) => build.name === name));
if (unnamed.length > 0) throw new Error(`--store ${unnamed.join(', ')}: no --build of that name`);
if (builds.length < 2)
  throw new Error('--build: name at least two, e.g. --build head=dist/main.js --build base=...');
const load = values.load;
const READ_PATHS = {
  seed: BENCH_PATHS.seedExample,
  app: BENCH_PATHS.app,
  page: BENCH_PATHS.metricsPage,
} as const;
if (load !== 'ingest' && !Object.hasOwn(READ_PATHS, load))
  throw new Error('--load: ingest, seed, app or page');
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
if (!(Number.isInteger(rounds) && rounds > 0 && seconds > 0))
  throw new Error('--rounds and --seconds: positive');
const unit = load === 'ingest' ? 'events/s' : 'req/s';

interface Run {
  readonly rate: number;
  /** The server's CPU, µs per event or answer. */
  readonly cpuUs: number;
  readonly peakRssMb: number;
  /** PostgreSQL's CPU (every process of it on this machine), µs per event or answer; 0 with none here. */
  readonly databaseUs: number;
  /** wrk's CPU as a share of one core (seed, app, page). */
  readonly generatorCpu?: number;
}

/** The build started on the bench store as run.ts starts it, its own node options in NODE_OPTIONS. */
async function start(build: Build): Promise<ServerProcess> {
  const before = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = build.nodeOptions;
  try {
    return await startProcess(build.script, (port) => serveArgs(build.target, port));
  } finally {
    if (before === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = before;
  }
}

/** PostgreSQL's processes when it runs on this machine (the bench's own database); none on SQLite. */
const databaseTicks = () =>
  target.backend === 'postgres' ? commandTicks('postgres') : new Map<number, number>();

/** Reads the CPU of the server and of the database from now; `each(count)` spreads what they spent since. */
function cpuFrom(pid: number) {
  const ticks = readProcessTicks(pid);
  const database = databaseTicks();
  return {
    each: (count: number) => ({
      cpuUs: microsecondsEach(readProcessTicks(pid) - ticks, count),
      databaseUs: microsecondsEach(ticksBetween(database, databaseTicks()), count),
    }),
  };
}

/** The fixtures of the reads, one per store; ingestion's runs each make their own, each its own app. */
const readFixtures = new Map<BenchStore, Fixture>();
if (load !== 'ingest') {
  for (const build of builds)
    if (!readFixtures.has(build.target))
      readFixtures.set(build.target, await prepareFixture(build.target, { migrate: true }));
}

/** One build's run: a fresh ingestion app (ingest) or a replayed answer, a second of warm-up, then the load. */
async function measure(build: Build): Promise<Run> {
  const fixture = readFixtures.get(build.target) ?? (await prepareFixture(build.target, { migrate: true }));
  const server = await start(build);
  try {
    if (load === 'ingest') {
      const source = new EventSource(INGEST_APP.id, fixture.testerIds);
      await ingestOverHttp([server.url], fixture.ingestAppKey, source, 1);
      const cpu = cpuFrom(server.pid);
      const started = performance.now();
      const rate = await ingestOverHttp([server.url], fixture.ingestAppKey, source, seconds);
      const events = (rate * (performance.now() - started)) / 1000;
      return { rate, ...cpu.each(events), peakRssMb: server.peakRssMb() };
    }
    const path = READ_PATHS[load as keyof typeof READ_PATHS];
    const headers = { authorization: `Bearer ${await fixture.token()}` };
    await runWrk(`${server.url}${path}`, headers, { connections: 16, seconds: 1 });
    const cpu = cpuFrom(server.pid);
    const figures = await runWrk(`${server.url}${path}`, headers, { connections: 16, seconds });
    if (figures.non200 > 0 || figures.socketErrors > 0) {
      throw new Error(
        `${build.name}: ${figures.non200} answers other than 200, ${figures.socketErrors} errors`,
      );
    }
    return {
      rate: figures.rps,
      ...cpu.each(figures.requests),
      peakRssMb: server.peakRssMb(),
      generatorCpu: figures.generatorCpu,
    };
  } finally {
    await server.stop();
  }
}

const runs = new Map<string, Run[]>(builds.map((build) => [build.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    const run = await measure(build);
    runs.get(build.name)?.push(run);
    const generator =
      run.generatorCpu === undefined ? '' : `, wrk ${Math.round(run.generatorCpu * 100)}% of a core`;
    const database = run.databaseUs > 0 ? `, ${run.databaseUs.toFixed(1)} µs of PostgreSQL's` : '';
    console.log(
      `round ${round + 1}/${rounds} ${build.name}: ${Math.round(run.rate).toLocaleString('en-US')} ${unit}, ` +
        `${run.cpuUs.toFixed(1)} µs of server CPU each${database}, peak RSS ${Math.round(run.peakRssMb)} MB${generator}`,
    );
  }
}

const first = runs.get(builds[0]?.name ?? '') ?? [];
console.log(`\n${load}, ${rounds} round${rounds === 1 ? '' : 's'} of ${seconds} s, ${target.name}:`);
for (const build of builds) {
  const own = runs.get(build.name) ?? [];
  const ratios = own.map((run, i) => run.rate / (first[i]?.rate ?? Number.NaN));
  console.log(
    `${build.name}${build.target === target ? '' : ` (${build.target.name})`}: median ${Math.round(median(own.map((run) => run.rate))).toLocaleString('en-US')} ${unit}, ` +
      `${median(own.map((run) => run.cpuUs)).toFixed(1)} µs of CPU each${databaseMedian(own)}, peak RSS up to ` +
      `${Math.round(Math.max(...own.map((run) => run.peakRssMb)))} MB; paired with ${builds[0]?.name}: median ` +
      `${median(ratios).toFixed(3)} [${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}]`,
  );
}

function databaseMedian(own: readonly Run[]): string {
  const figures = own.map((run) => run.databaseUs);
  return figures.some((us) => us > 0) ? ` (PostgreSQL's ${median(figures).toFixed(1)})` : '';
}
