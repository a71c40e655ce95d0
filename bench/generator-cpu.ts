import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The CPU a load generator spends, as a share of one core. On the bench's 2 cores the generator competes with
 * the server it loads: a generator near a full core caps the rate it reports, so each throughput row carries
 * this figure and is marked unreliable above `GENERATOR_CPU_LIMIT` (see BENCHMARKS.md).
 */
export const GENERATOR_CPU_LIMIT = 0.6;

/** utime + stime (clock ticks, all threads) from the text of `/proc/<pid>/stat`. */
export function procStatTicks(stat: string): number {
  const { user, system } = procStatTimes(stat);
  return user + system;
}

/** utime and stime apart (clock ticks, all threads): what the process ran itself, and the kernel for it. */
export function procStatTimes(stat: string): { user: number; system: number } {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: split after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  // After the name come field 3 (state) onwards, so utime (field 14) and stime (field 15) are at 11 and 12.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isInteger(user) || !Number.isInteger(system)) {
    throw new Error(`no utime/stime in /proc/<pid>/stat: ${stat.slice(0, 80)}`);
  }
  return { user, system };
}

/** CPU time between two readings over the wall time between them, as a share of one core (1 = a full core). */
export function cpuShare(startTicks: number, endTicks: number, wallMs: number, clockTicks: number): number {
  if (wallMs <= 0 || clockTicks <= 0) throw new Error(`cpuShare: wall ${wallMs} ms, ${clockTicks} ticks/s`);
  return (endTicks - startTicks) / clockTicks / (wallMs / 1000);
}

/** The ticks of a running process, or 0 when it has not started or has already gone. */
export function readProcessTicks(pid: number): number {
  const { user, system } = readProcessTimes(pid);
  return user + system;
}

/** `procStatTimes` of a running process, or 0 and 0 when it has not started or has already gone. */
export function readProcessTimes(pid: number): { user: number; system: number } {
  try {
    return procStatTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return { user: 0, system: 0 };
  }
}

let clockTicksPerSecond: number | undefined;

/** `getconf CLK_TCK` (100 on every Linux the bench has met), read once. */
export function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    clockTicksPerSecond = Number.isInteger(answer) && answer > 0 ? answer : 100;
  }
  return clockTicksPerSecond;
}

/** The ticks of every process of `command` on this machine (`/proc/<pid>/comm`), by pid. */
export function commandTicks(command: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== command) continue;
      ticks.set(Number(name), procStatTicks(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // Gone between the listing and the reading.
    }
  }
  return ticks;
}

/**
 * The ticks the processes of `command` spent between two readings of `commandTicks`: of those in both, the
 * difference; of those started in between, all of theirs. What the ones that ended in between spent is lost.
 */
export function ticksBetween(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number {
  let spent = 0;
  for (const [pid, ticks] of after) spent += ticks - (before.get(pid) ?? 0);
  return spent;
}

/** Clock ticks of CPU spent on `count` events or answers, as µs each. */
export function microsecondsEach(ticks: number, count: number): number {
  return (ticks * 1e6) / clockTicks() / count;
}
