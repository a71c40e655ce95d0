import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockTicks, cpuShare, readProcessTicks } from './generator-cpu.js';

/**
 * wrk as the load generator: a C process of its own, one thread, so that the bench's Node process does not
 * share its event loop with the load (autocannon did, and capped both the server and the bare baseline).
 *
 * The script counts every answer that is not 200 (wrk itself only counts statuses above 399) and, in `done()`,
 * prints one line of figures for `parseWrkOutput`, including the process's own CPU ticks from /proc/self/stat
 * at the end of the run: once wrk has exited its /proc entry is gone.
 */
export const WRK_SCRIPT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non200") or 0) end
  local ticks = -1
  local file = io.open("/proc/self/stat", "r")
  if file then
    local stat = file:read("*l")
    file:close()
    local rest = stat:match("^.*%)%s+(.*)$")
    local fields = {}
    for field in rest:gmatch("%S+") do table.insert(fields, field) end
    ticks = tonumber(fields[12]) + tonumber(fields[13])
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_WRK requests=%d duration_us=%d non200=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d ticks=%d\\n",
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), ticks))
end
`;

export interface WrkFigures {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 200, and socket errors (connect, read, write, timeout). */
  readonly non200: number;
  readonly socketErrors: number;
  /** wrk's CPU ticks at the end of the run (from its own /proc/self/stat), when it could read them. */
  readonly ticks?: number;
}

/** The figures of one wrk run: the script's `BENCH_WRK` line, or else wrk's own summary (`--latency`). */
export function parseWrkOutput(output: string): WrkFigures {
  const line = /^BENCH_WRK (.*)$/m.exec(output)?.[1];
  if (line !== undefined) {
    const fields = new Map(
      line
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    );
    const field = (name: string): number => {
      const value = Number(fields.get(name));
      if (!Number.isFinite(value)) throw new Error(`wrk: no ${name} in "${line}"`);
      return value;
    };
    const ticks = field('ticks');
    return {
      requests: field('requests'),
      rps: field('requests') / (field('duration_us') / 1e6),
      p50Ms: field('p50_us') / 1000,
      p99Ms: field('p99_us') / 1000,
      non200: field('non200'),
      socketErrors: field('connect') + field('read') + field('write') + field('timeout'),
      ...(ticks >= 0 && { ticks }),
    };
  }
  // wrk's summary: "Requests/sec:  1234.56", "  50%  1.23ms" under "Latency Distribution", and the error lines.
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1]);
  const requests = Number(/^\s*(\d+) requests in /m.exec(output)?.[1]);
  if (!Number.isFinite(rps) || !Number.isFinite(requests)) throw new Error(`wrk: no summary in:\n${output}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests,
    rps,
    p50Ms: latencyMs(output, '50'),
    p99Ms: latencyMs(output, '99'),
    non200: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, count) => sum + Number(count), 0),
  };
}

function latencyMs(output: string, percent: string): number {
  const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
  if (match === null) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  return Number(match[1]) * scale;
}

let scriptFile: string | undefined;

function script(): string {
  if (scriptFile === undefined) {
    const directory = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
    // One per bench process, gone with it: each run of the bench left one behind in the temporary directory.
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    scriptFile = join(directory, 'count-non-200.lua');
    writeFileSync(scriptFile, WRK_SCRIPT);
  }
  return scriptFile;
}

/** One wrk run (`-t1`, keep-alive GETs); its figures and its CPU as a share of one core. */
export async function runWrk(
  url: string,
  headers: Record<string, string>,
  options: { connections: number; seconds: number },
): Promise<WrkFigures & { generatorCpu: number }> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script()];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const started = performance.now();
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const startTicks = child.pid === undefined ? 0 : readProcessTicks(child.pid);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${output}`);
  const figures = parseWrkOutput(output);
  if (figures.ticks === undefined)
    throw new Error(`wrk: the script could not read /proc/self/stat:\n${output}`);
  return { ...figures, generatorCpu: cpuShare(startTicks, figures.ticks, wallMs, clockTicks()) };
}
