import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeBareAnswer } from './bare-answer.js';
import { type Fixture, INGEST_APP, prepareFixture } from './fixture.js';
import { commandTicks, microsecondsEach, readProcessTimes, ticksBetween } from './generator-cpu.js';
import { getJson } from './http-client.js';
import { EventSource, ingestOverHttp } from './ingest-load.js';
import { type BenchStore, benchStore, STORE_OPTIONS, serveArgs } from './options.js';
import { type ServerProcess, startProcess } from './server-process.js';
import { median } from './stats.js';
import { BENCH_PATHS } from './workload.js';
import { runWrk } from './wrk.js';

/**
 * `npm run bench:compare -- --build NAME=PATH[@NODE_OPTIONS] --build ... --load ingest|seed|app|page [--rounds N]
 * [--seconds N] [--database-url URL] [--store NAME=DATA_DIR] [--bare]`: builds of the server (`PATH` is a
 * `dist/main.js`; the same path twice with other node options compares those) started one at a time on the
 * bench store and loaded alike, the order reversed every round. `--store` gives a build an embedded store of its
 * own (a copy of the bench store with another layout, to compare layouts with one build). For each run: the
 * rate, the server's CPU (every thread, from /proc; the kernel's part apart) per event or answer and, on a
 * PostgreSQL of this machine, the database's (every `postgres` process); for `seed`, `app` and `page` (the seed's
 * first example, `GET /v1/apps/{id}` and the metrics page of 91 KB, replayed) also wrk's own CPU, which must stay
 * below a core for the rate to mean anything. Then, per build, the medians and the median of its ratio to the
 * first build in each round. `--bare` (seed, app, page) adds bare node:http answering the first build's bytes,
 * headers included, to the same request (bench/bare-server.ts, as `npm run bench`'s rows load it) to every
 * round, and gives each build's share of it round by round: bare's CPU an answer over the build's (what the
 * full run's last column gives from 3 runs a side, when wrk caps the rate), the same outside the kernel (what
 * `bench:instructions` counts), and the rates' ratio (BENCHMARKS.md, "Paired with bare node:http, round by
 * round").
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
    bare: { type: 'boolean', default: false },
  },
});

interface Build {
  readonly name: string;
  readonly script: string;
  readonly nodeOptions: string;
  /** The store it runs on: the bench store unless `--store` names another. */
  readonly target: BenchStore;
  /** Bare node:http answering the first build's bytes (`--bare`), not a build of the server. */
  readonly bare?: true;
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
const load = values.load;
const withBare = values.bare === true;
if (builds.length < (withBare ? 1 : 2))
  throw new Error(
    withBare
      ? '--build: name one at least, e.g. --build head=dist/main.js'
      : '--build: name at least two, e.g. --build head=dist/main.js --build base=...',
  );
const READ_PATHS = {
  seed: BENCH_PATHS.seedExample,
  app: BENCH_PATHS.app,
  page: BENCH_PATHS.metricsPage,
} as const;
if (load !== 'ingest' && !Object.hasOwn(READ_PATHS, load))
  throw new Error('--load: ingest, seed, app or page');
if (withBare && load === 'ingest') throw new Error('--bare: with --load seed, app or page');
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
if (!(Number.isInteger(rounds) && rounds > 0 && seconds > 0))
  throw new Error('--rounds and --seconds: positive');
const unit = load === 'ingest' ? 'events/s' : 'req/s';

interface Run {
  readonly rate: number;
  /** The server's CPU, µs per event or answer. */
  readonly cpuUs: number;
  /** Of which the kernel's for it (system time): for an answer, mostly sending it, the same for any server. */
  readonly systemUs: number;
  readonly peakRssMb: number;
  /** PostgreSQL's CPU (every process of it on this machine), µs per event or answer; 0 with none here. */
  readonly databaseUs: number;
  /** wrk's CPU as a share of one core (seed, app, page). */
  readonly generatorCpu?: number;
}

/** Where bare node:http reads the bytes it answers (`--bare`), its headers beside them (bare-answer.ts). */
const BARE_BODY_FILE = '.bench/tmp/compare-bare.json';
let bareAnswerFiles: string[] = [];

/** The build started on the bench store as run.ts starts it, its own node options in NODE_OPTIONS. */
async function start(build: Build): Promise<ServerProcess> {
  if (build.bare)
    return startProcess('.bench/build/bench/bare-server.js', (port) => [String(port), ...bareAnswerFiles]);
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
  const before = readProcessTimes(pid);
  const database = databaseTicks();
  return {
    each: (count: number) => {
      const after = readProcessTimes(pid);
      const system = after.system - before.system;
      return {
        cpuUs: microsecondsEach(after.user - before.user + system, count),
        systemUs: microsecondsEach(system, count),
        databaseUs: microsecondsEach(ticksBetween(database, databaseTicks()), count),
      };
    },
  };
}

/** The fixtures of the reads, one per store; ingestion's runs each make their own, each its own app. */
const readFixtures = new Map<BenchStore, Fixture>();
if (load !== 'ingest') {
  for (const build of builds)
    if (!readFixtures.has(build.target))
      readFixtures.set(build.target, await prepareFixture(build.target, { migrate: true }));
}

/** The read's target and its headers, the first build's fixture's token for bare node:http. */
async function readRequest(build: Build) {
  const fixture = readFixtures.get(build.target) as Fixture;
  const path = READ_PATHS[load as keyof typeof READ_PATHS];
  return { path, headers: { authorization: `Bearer ${await fixture.token()}` } };
}

const contenders: Build[] = [...builds];
if (withBare) {
  const [first] = builds as [Build];
  const { path, headers } = await readRequest(first);
  const server = await start(first);
  try {
    const answer = await getJson(`${server.url}${path}`, headers);
    mkdirSync('.bench/tmp', { recursive: true });
    bareAnswerFiles = writeBareAnswer(BARE_BODY_FILE, answer);
    console.log(
      `bare node:http answers ${first.name}'s ${answer.raw.length.toLocaleString('en-US')} bytes, with its headers`,
    );
  } finally {
    await server.stop();
  }
  contenders.push({ name: 'bare', script: '', nodeOptions: '', target: first.target, bare: true });
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
    const { path, headers } = await readRequest(build);
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

const runs = new Map<string, Run[]>(contenders.map((build) => [build.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const build of round % 2 === 0 ? contenders : [...contenders].reverse()) {
    const run = await measure(build);
    runs.get(build.name)?.push(run);
    const generator =
      run.generatorCpu === undefined ? '' : `, wrk ${Math.round(run.generatorCpu * 100)}% of a core`;
    const database = run.databaseUs > 0 ? `, ${run.databaseUs.toFixed(1)} µs of PostgreSQL's` : '';
    console.log(
      `round ${round + 1}/${rounds} ${build.name}: ${Math.round(run.rate).toLocaleString('en-US')} ${unit}, ` +
        `${run.cpuUs.toFixed(1)} µs of server CPU each (${run.systemUs.toFixed(1)} in the kernel)${database}, peak RSS ${Math.round(run.peakRssMb)} MB${generator}`,
    );
  }
}

const first = runs.get(builds[0]?.name ?? '') ?? [];
console.log(`\n${load}, ${rounds} round${rounds === 1 ? '' : 's'} of ${seconds} s, ${target.name}:`);
const bare = runs.get('bare') ?? [];
for (const build of contenders) {
  const own = runs.get(build.name) ?? [];
  const ratios = own.map((run, i) => run.rate / (first[i]?.rate ?? Number.NaN));
  console.log(
    `${build.name}${build.target === target ? '' : ` (${build.target.name})`}: median ${Math.round(median(own.map((run) => run.rate))).toLocaleString('en-US')} ${unit}, ` +
      `${median(own.map((run) => run.cpuUs)).toFixed(1)} µs of CPU each ` +
      `(${median(own.map((run) => run.systemUs)).toFixed(1)} in the kernel)${databaseMedian(own)}, peak RSS up to ` +
      `${Math.round(Math.max(...own.map((run) => run.peakRssMb)))} MB; paired with ${builds[0]?.name}: median ` +
      `${pairedMedian(ratios)}`,
  );
  if (withBare && !build.bare) {
    const cpuShares = own.map((run, i) => (bare[i]?.cpuUs ?? Number.NaN) / run.cpuUs);
    const userUs = (run: Run | undefined) => (run === undefined ? Number.NaN : run.cpuUs - run.systemUs);
    const userShares = own.map((run, i) => userUs(bare[i]) / userUs(run));
    const rateShares = own.map((run, i) => run.rate / (bare[i]?.rate ?? Number.NaN));
    console.log(
      `  share of bare node:http, round by round: by CPU an answer (bare's over ${build.name}'s) median ` +
        `${pairedMedian(cpuShares)}; outside the kernel ${pairedMedian(userShares)}; by the rate median ` +
        `${pairedMedian(rateShares)}`,
    );
  }
}

/** The median of paired ratios, and each round's. */
function pairedMedian(ratios: readonly number[]): string {
  return `${median(ratios).toFixed(3)} [${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}]`;
}

function databaseMedian(own: readonly Run[]): string {
  const figures = own.map((run) => run.databaseUs);
  return figures.some((us) => us > 0) ? ` (PostgreSQL's ${median(figures).toFixed(1)})` : '';
}
