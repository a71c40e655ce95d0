import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { runWrk } from './wrk.js';

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
}

export type LoadGenerator = 'wrk' | 'autocannon';

export interface LoadResult {
  /** Answers per second over the run, all of them 200. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly generator: LoadGenerator;
  /** The load generator's own CPU over the run, as a share of one core. */
  readonly generatorCpu: number;
}

let chosen: LoadGenerator | undefined;

/**
 * wrk when it is on the PATH; autocannon otherwise, inside the bench's own process (where it competes with the
 * server for the cores: every report says which one ran, and rows measured with autocannon are unreliable).
 */
export function loadGenerator(): LoadGenerator {
  if (chosen === undefined) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      chosen = 'wrk';
    } catch (error) {
      // `wrk --version` prints its usage and exits 1: it is there. Only a spawn failure means it is missing.
      chosen = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'autocannon' : 'wrk';
    }
  }
  return chosen;
}

/**
 * Loads `url` (GET, keep-alive, `connections` at once, for `seconds`) and returns the rate of answers. Any
 * answer but 200 fails the benchmark: a 429 or 401 answered fast would flatter the figure.
 */
export async function load(
  url: string,
  headers: Record<string, string>,
  options: LoadOptions,
): Promise<LoadResult> {
  if (loadGenerator() === 'wrk') {
    const result = await runWrk(url, headers, options);
    if (result.non200 > 0 || result.socketErrors > 0) {
      throw new Error(`${url}: ${result.non200} answers were not 200, ${result.socketErrors} socket errors`);
    }
    return { ...result, generator: 'wrk' };
  }
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    headers,
    connections: options.connections,
    duration: options.seconds,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  if (result.non2xx > 0 || result.errors > 0 || result['2xx'] !== result.requests.total) {
    throw new Error(`${url}: ${result.non2xx} answers were not 2xx, ${result.errors} errors`);
  }
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    generator: 'autocannon',
    generatorCpu: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

/**
 * Several loads of `urls` at once (one generator each), e.g. two nodes behind no balancer: total answers per
 * second, and the generators' CPU (a share of one core).
 */
export async function loadTogether(
  urls: readonly string[],
  headers: Record<string, string>,
  options: LoadOptions,
): Promise<{ rps: number; generatorCpu: number }> {
  const results = await Promise.all(urls.map((url) => load(url, headers, options)));
  const cpus = results.map((result) => result.generatorCpu);
  return {
    rps: results.reduce((sum, result) => sum + result.rps, 0),
    // Each wrk is a process of its own; autocannons all run in this process, whose CPU each of them measured.
    generatorCpu: loadGenerator() === 'wrk' ? cpus.reduce((sum, cpu) => sum + cpu, 0) : Math.max(...cpus),
  };
}
