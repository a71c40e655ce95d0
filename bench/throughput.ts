import { writeFileSync } from 'node:fs';
import { writeBareAnswer } from './bare-answer.js';
import { GENERATOR_CPU_LIMIT, microsecondsEach, readProcessTicks } from './generator-cpu.js';
import { type LoadGenerator, type LoadOptions, type LoadResult, load } from './load.js';
import { formatNumber, type Figure } from './report.js';
import { startProcess } from './server-process.js';
import { median } from './stats.js';

/**
 * A repeated page against bare node:http serving the same bytes (`bench/bare-server.ts`), both loaded by the
 * same generator with the same connections and duration, runs alternating so that noise on the machine falls
 * on both sides. Both get the same request, target and headers (the token), and both send the same answer,
 * headers included: reading and writing them is Node's work, which no server can spare, and bare node:http
 * given a shorter request, or sending fewer headers, did less of it than the exchange needs (BENCHMARKS.md,
 * "The baseline reads the same request" and "The same bytes, headers included"). The row says how much CPU
 * the generator used on each side and is marked unreliable when the generator, not the server, may have set
 * the rate (see `unreliableBecause`).
 */
export interface BareComparison {
  /** The row's name in the table. */
  readonly figure: string;
  readonly url: string;
  /** The server's process, whose CPU per answer the row reports beside the bare server's. */
  readonly serverPid: number;
  readonly headers: Record<string, string>;
  /** The endpoint's answer, body and headers, served as-is by the bare server (bare-answer.ts). */
  readonly answer: { readonly raw: Uint8Array; readonly rawHeaders: readonly string[] };
  /** A scratch file for the body; its headers go beside it. */
  readonly bodyFile: string;
  readonly load: LoadOptions & { readonly runs: number };
  /** The least share of the baseline the server must reach. */
  readonly goalRatio: number;
  /** What wrk gets from bare node:http on this machine in this run (`calibrate`): a baseline far below it is suspect. */
  readonly capacity?: number;
}

/**
 * A baseline below this share of the machine's capacity (`calibrate`) is far below what wrk gets here: the
 * machine was busy meanwhile, or the generator capped it. Bare node:http sending the bench's largest answer
 * (91 KB) does 35-70% of its rate with a 2-byte one on these machines; a few hundred bytes, 85-100%.
 */
export const BASELINE_FLOOR = 0.25;

/**
 * What wrk gets from bare node:http answering 2 bytes, on this machine, now: the rate no baseline of the run
 * can beat by much, measured at its start with the rows' connections and duration (median of the runs).
 */
export async function calibrate(
  bodyFile: string,
  plan: LoadOptions & { readonly runs: number },
): Promise<{ rps: number; cpu: number }> {
  writeFileSync(bodyFile, '{}');
  const bare = await startProcess('.bench/build/bench/bare-server.js', (port) => [String(port), bodyFile]);
  const runs: LoadResult[] = [];
  try {
    await load(bare.url, {}, { ...plan, seconds: 1 });
    for (let run = 0; run < plan.runs; run++) runs.push(await load(bare.url, {}, plan));
  } finally {
    await bare.stop();
  }
  return { rps: median(runs.map((run) => run.rps)), cpu: median(runs.map((run) => run.generatorCpu)) };
}

export async function compareWithBare(comparison: BareComparison): Promise<Figure> {
  const answerFiles = writeBareAnswer(comparison.bodyFile, comparison.answer);
  const bare = await startProcess('.bench/build/bench/bare-server.js', (port) => [
    String(port),
    ...answerFiles,
  ]);
  const bareRuns: LoadResult[] = [];
  const realRuns: LoadResult[] = [];
  const bareCpuUs: number[] = [];
  const realCpuUs: number[] = [];
  /** A run of the load, and the CPU its server spent per answer (every thread, from /proc). */
  const measured = async (url: string, headers: Record<string, string>, pid: number, cpuUs: number[]) => {
    const ticks = readProcessTicks(pid);
    const run = await load(url, headers, comparison.load);
    cpuUs.push(microsecondsEach(readProcessTicks(pid) - ticks, run.rps * comparison.load.seconds));
    return run;
  };
  try {
    const warmUp = { ...comparison.load, seconds: 1 };
    const asked = new URL(comparison.url);
    const bareUrl = new URL(`${asked.pathname}${asked.search}`, bare.url).href;
    await load(bareUrl, comparison.headers, warmUp);
    await load(comparison.url, comparison.headers, warmUp);
    for (let run = 0; run < comparison.load.runs; run++) {
      bareRuns.push(await measured(bareUrl, comparison.headers, bare.pid, bareCpuUs));
      realRuns.push(await measured(comparison.url, comparison.headers, comparison.serverPid, realCpuUs));
    }
  } finally {
    await bare.stop();
  }
  const figure = throughputFigure({
    figure: comparison.figure,
    runs: realRuns,
    baseline: { name: 'bare node:http, same bytes', runs: bareRuns, bare: true },
    goal: `>= ${(comparison.goalRatio * 100).toFixed(0)}% of the baseline`,
    met: (ratio) => ratio >= comparison.goalRatio,
    ...(comparison.capacity !== undefined && { capacity: comparison.capacity }),
  });
  return { ...figure, cpuPerAnswer: { row: median(realCpuUs), baseline: median(bareCpuUs) } };
}

/** A row of answers (or events) per second against a baseline measured in the same run: medians of the runs. */
export function throughputFigure(row: {
  figure: string;
  runs: readonly Pick<LoadResult, 'rps' | 'generator' | 'generatorCpu'>[];
  baseline: {
    name: string;
    runs: readonly Pick<LoadResult, 'rps' | 'generatorCpu'>[];
    /** The baseline is a bare server: it can never be slower than the real one serving the same bytes. */
    bare: boolean;
  };
  goal: string;
  met: (ratio: number) => boolean;
  /** The run's calibration (`calibrate`), for a bare baseline. */
  capacity?: number;
}): Figure {
  const rps = median(row.runs.map((run) => run.rps));
  const baselineRps = median(row.baseline.runs.map((run) => run.rps));
  const ratio = rps / baselineRps;
  const generator = row.runs[0]?.generator ?? 'wrk';
  const cpu = median(row.runs.map((run) => run.generatorCpu));
  const baselineCpu = median(row.baseline.runs.map((run) => run.generatorCpu));
  const unreliable = unreliableBecause({
    generator,
    cpu,
    baselineCpu,
    ratio,
    bareBaseline: row.baseline.bare,
    baselineRps,
    ...(row.capacity !== undefined && { capacity: row.capacity }),
  });
  return {
    figure: row.figure,
    result: `${formatNumber(rps)} req/s`,
    value: row.runs.map((run) => run.rps),
    unit: 'req/s',
    baseline: {
      name: row.baseline.name,
      value: baselineRps,
      result: `${formatNumber(baselineRps)} req/s`,
    },
    ratio,
    goal: row.goal,
    load: {
      generator,
      cpu,
      baselineCpu,
      cpuRuns: row.runs.map((run) => run.generatorCpu),
      baselineCpuRuns: row.baseline.runs.map((run) => run.generatorCpu),
    },
    ...(unreliable === undefined ? { met: row.met(ratio) } : { unreliable }),
    // A baseline held back by its own wrk (the row's wrk under the limit) only makes the ratio an upper bound:
    // a ratio short of the goal is then short for certain. Nothing else about an unreliable row is judged
    // (autocannon in this process slows the server too).
    ...(unreliable !== undefined &&
      generator === 'wrk' &&
      cpu <= GENERATOR_CPU_LIMIT &&
      !row.met(ratio) && { met: false }),
  };
}

/**
 * Why a throughput row cannot be trusted, if it cannot. On 2 cores a generator near a full core takes CPU the
 * server needs, or is itself the limit: above `GENERATOR_CPU_LIMIT` of a core (median of the runs) on either
 * side, the ratio measures the generator. A server faster than its bare baseline means the baseline did not
 * saturate (the bare server sends the same bytes with strictly less work), whatever the CPU says.
 */
export function unreliableBecause(row: {
  generator: LoadGenerator;
  cpu: number;
  baselineCpu: number;
  ratio: number;
  bareBaseline: boolean;
  baselineRps?: number;
  capacity?: number;
}): string | undefined {
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  const reasons: string[] = [];
  if (row.generator !== 'wrk') reasons.push('autocannon in the bench process (wrk is not on the PATH)');
  if (row.cpu > GENERATOR_CPU_LIMIT) reasons.push(`generator at ${percent(row.cpu)} of a core on the row`);
  if (row.baselineCpu > GENERATOR_CPU_LIMIT) {
    reasons.push(`generator at ${percent(row.baselineCpu)} of a core on the baseline`);
  }
  if (row.bareBaseline && row.ratio > 1.05) reasons.push('faster than its bare baseline');
  if (
    row.bareBaseline &&
    row.capacity !== undefined &&
    row.baselineRps !== undefined &&
    row.baselineRps < row.capacity * BASELINE_FLOOR
  ) {
    reasons.push(
      `baseline at ${percent(row.baselineRps / row.capacity)} of what wrk gets from bare node:http here (${Math.round(row.capacity)} req/s)`,
    );
  }
  return reasons.length === 0 ? undefined : reasons.join('; ');
}
