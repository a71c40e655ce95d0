import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBareAnswer } from './bare-answer.js';
import { prepareFixture } from './fixture.js';
import { benchStore, STORE_OPTIONS, serveArgs } from './options.js';
import { freePort } from './server-process.js';
import { median } from './stats.js';
import { BENCH_PATHS } from './workload.js';

/**
 * `npm run bench:instructions -- [--build NAME=PATH ...] [--load page|seed|app] [--warm N] [--requests N]
 * [--windows N] [--database-url URL] [--bare-without-token] [--bare-without-headers]`: the instructions a
 * replayed answer costs, counted by valgrind's callgrind, for each build (default `dist/main.js`) and for bare
 * node:http sending the same bytes, headers included, to the same requests, in the same run.
 *
 * Why: on these 2-core VMs a server's CPU an answer moved by a third between runs minutes apart, and wrk shares
 * the cores, so changes of a few percent cannot be seen by time. Callgrind counts the instructions the server
 * process executes (every thread; the kernel's work is not counted), which the machine's other load hardly
 * changes: the least windows of one build, in runs an hour apart, were 92,710 and 93,020 instructions an answer
 * (two stores), where its CPU time an answer moved by a third. Each process runs under callgrind with
 * `--single-threaded` (V8's compiler and collector on the main thread, so that no helper thread's timing
 * counts), is warmed up with `--warm` requests, then measured in `--windows` windows of `--requests` answers,
 * 16 at a time over kept-alive sockets: the counters are zeroed before each window and dumped after it. A window
 * may hold a collection of the old generation or the compilation of a function, so the least of the windows is
 * the answer's own cost and the median shows what such work adds. Instructions are not time (a cache miss or a
 * system call costs more than its count says; OpenSSL's code runs slower under valgrind's emulated CPU than on
 * the real one, so crypto counts high), but a change that removes work shows, at once, in every window.
 * BENCHMARKS.md, "Instructions of a replayed answer".
 */
const { values } = parseArgs({
  options: {
    ...STORE_OPTIONS,
    build: { type: 'string', multiple: true, default: [] },
    load: { type: 'string', default: 'page' },
    warm: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '1000' },
    windows: { type: 'string', default: '8' },
    /**
     * Bare node:http's requests without the token, as measured before BENCHMARKS.md's "The baseline reads the
     * same request".
     */
    'bare-without-token': { type: 'boolean', default: false },
    /**
     * Bare node:http's answers with a content type and a length alone, as measured before BENCHMARKS.md's
     * "The same bytes, headers included".
     */
    'bare-without-headers': { type: 'boolean', default: false },
  },
});

const LOADS = { page: BENCH_PATHS.metricsPage, seed: BENCH_PATHS.seedExample, app: BENCH_PATHS.app } as const;
const CONCURRENCY = 16;
/** Startup under valgrind is 20 to 60 times slower than without. */
const READY_WITHIN_MS = 600_000;

const load = values.load as keyof typeof LOADS;
if (!(load in LOADS)) throw new Error(`--load ${values.load}: page, seed or app`);
const counts = {
  warm: positive('warm'),
  requests: positive('requests'),
  windows: positive('windows'),
};
const builds = (values.build?.length ? values.build : ['head=dist/main.js']).map((spec) => {
  const match = /^([^=]+)=(.+)$/.exec(spec);
  if (match === null) throw new Error(`--build ${spec}: NAME=PATH, e.g. head=dist/main.js`);
  return { name: match[1] as string, script: match[2] as string };
});

function positive(name: 'warm' | 'requests' | 'windows'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} ${values[name]}: a whole number above 0`);
  return value;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed: apt-get install -y valgrind, then run this again');
}

const target = benchStore(values);
const fixture = await prepareFixture(target, { migrate: false });
const authorization = `Bearer ${await fixture.token()}`;
const path = LOADS[load];
const work = mkdtempSync(join(tmpdir(), 'beta-metrics-instructions-'));

interface Measured {
  readonly name: string;
  /** Instructions an answer, each window's. */
  readonly windows: readonly number[];
}

/** A process under callgrind, answering on `port`. */
async function underCallgrind(name: string, args: (port: number) => string[]) {
  const port = await freePort();
  const out = join(work, `${name}.callgrind`);
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', ...args(port)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await ready(child, port, () => stderr);
  return {
    port,
    pid: child.pid ?? 0,
    dumps: () => readdirSync(work).filter((file) => file.startsWith(`${name}.callgrind.`)),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function ready(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = performance.now() + READY_WITHIN_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}): ${stderr()}`);
    const status = await fetchStatus(port, '/healthz').catch(() => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`no answer on port ${port} within ${READY_WITHIN_MS / 1000} s: ${stderr()}`);
}

function fetchStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: target }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve(answer.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** Sends `count` GETs of `path`, `CONCURRENCY` at a time; the last answer, after checking every status. */
async function requests(port: number, count: number, headers: Record<string, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  let last = { raw: Buffer.alloc(0), rawHeaders: [] as readonly string[] };
  let sent = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, agent, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          last = { raw: Buffer.concat(chunks), rawHeaders: answer.rawHeaders };
          statuses.set(answer.statusCode ?? 0, (statuses.get(answer.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      }).on('error', reject);
    });
  const worker = async () => {
    while (sent < count) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  const other = [...statuses.keys()].filter((status) => status !== 200);
  if (other.length > 0) throw new Error(`answers other than 200: ${JSON.stringify([...statuses])}`);
  return last;
}

/** The instructions of the dump callgrind wrote last (its `summary:` line). */
function lastDumpInstructions(running: Awaited<ReturnType<typeof underCallgrind>>, before: number): number {
  const dumps = running.dumps();
  if (dumps.length !== before + 1) throw new Error(`callgrind wrote ${dumps.length - before} dumps, not 1`);
  const file = dumps.sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop())).at(-1) as string;
  const text = readFileSync(join(work, file), 'utf8');
  const match = /^(?:summary|totals): (\d+)/m.exec(text);
  if (match === null) throw new Error(`${file}: no summary line`);
  return Number(match[1]);
}

async function measure(name: string, args: (port: number) => string[], headers: Record<string, string>) {
  log(`${name}: starting under callgrind (a minute or more)`);
  const running = await underCallgrind(name, args);
  try {
    log(`${name}: warming up with ${counts.warm} requests`);
    const answer = await requests(running.port, counts.warm, headers);
    const windows: number[] = [];
    for (let window = 1; window <= counts.windows; window++) {
      const before = running.dumps().length;
      execFileSync('callgrind_control', ['--zero', String(running.pid)], { stdio: 'ignore' });
      await requests(running.port, counts.requests, headers);
      execFileSync('callgrind_control', ['--dump', String(running.pid)], { stdio: 'ignore' });
      windows.push(lastDumpInstructions(running, before) / counts.requests);
      log(
        `${name}: window ${window}/${counts.windows}: ${format(windows.at(-1) as number)} instructions an answer`,
      );
    }
    return { measured: { name, windows } satisfies Measured, answer };
  } finally {
    await running.stop();
  }
}

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

try {
  const results: Measured[] = [];
  let answer: Awaited<ReturnType<typeof requests>> | undefined;
  for (const build of builds) {
    const run = await measure(build.name, (port) => [build.script, ...serveArgs(target, port)], {
      authorization,
    });
    results.push(run.measured);
    answer ??= run.answer;
  }
  const body = answer?.raw ?? Buffer.alloc(0);
  const answerFiles = writeBareAnswer(join(work, 'body'), {
    raw: body,
    rawHeaders: answer?.rawHeaders ?? [],
  });
  // Without its headers file bare-server sends a content type and a length alone, as before.
  if (values['bare-without-headers']) answerFiles.length = 1;
  // The same request as the builds', token included, and the same answer (throughput.ts, `compareWithBare`).
  const bare = await measure(
    'bare',
    (port) => ['.bench/build/bench/bare-server.js', String(port), ...answerFiles],
    values['bare-without-token'] ? {} : { authorization },
  );
  const least = (row: Measured) => Math.min(...row.windows);
  console.log(
    `\ninstructions an answer, ${load} (${path}, ${body.length} bytes), ${counts.windows} windows of ${counts.requests} after ${counts.warm}; ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  for (const row of [...results, bare.measured]) {
    const ratio =
      row === bare.measured
        ? ''
        : `; bare / this: ${(least(bare.measured) / least(row)).toFixed(3)} (least), ${(median(bare.measured.windows) / median(row.windows)).toFixed(3)} (median)`;
    console.log(
      `${row.name}: least ${format(least(row))}, median ${format(median(row.windows))}, windows ${row.windows.map(format).join(' ')}${ratio}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
