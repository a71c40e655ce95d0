import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One row of the table: a figure, its baseline measured in the same run, and the goal it is held to. */
export interface Figure {
  readonly figure: string;
  /** As printed: `12,345 req/s`, `3.1 / 9.8 ms`. */
  readonly result: string;
  readonly value: number | readonly number[];
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number; readonly result: string };
  /** result / baseline, when there is a baseline. */
  readonly ratio?: number;
  readonly goal: string;
  /** Never true on an unreliable row (bench/throughput.ts says when it can still be false). */
  readonly met?: boolean;
  /**
   * Throughput rows: the load generator and its own CPU as a share of one core (medians of the runs, and each
   * run), on the row and on its baseline.
   */
  readonly load?: {
    readonly generator: 'wrk' | 'autocannon';
    readonly cpu: number;
    readonly baselineCpu: number;
    readonly cpuRuns: readonly number[];
    readonly baselineCpuRuns: readonly number[];
  };
  /** Why the row's figure may measure the load generator rather than the server (bench/throughput.ts). */
  readonly unreliable?: string;
  /**
   * Rows against bare node:http: the CPU each server spent per answer, µs (every thread, from /proc; medians
   * of the runs). Measured at the rate each run got, so a generator that capped both sides caps neither figure.
   */
  readonly cpuPerAnswer?: { readonly row: number; readonly baseline: number };
}

export interface BackendTable {
  readonly backend: 'sqlite' | 'postgres';
  readonly store: string;
  readonly events: number;
  readonly figures: Figure[];
  readonly seconds: number;
}

export interface BenchReport {
  readonly when: string;
  readonly command: string;
  readonly commit: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpu: string;
    readonly memoryGb: number;
    readonly node: string;
  };
  readonly quick: boolean;
  readonly loadTool: string;
  readonly tables: BackendTable[];
  readonly seconds: number;
}

export function machine(): BenchReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? head : `${head} (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

/** The table as Markdown, ready for BENCHMARKS.md. */
export function renderTable(table: BackendTable): string {
  const lines = [
    `| figure | result | baseline (same run) | ratio | generator CPU (row / baseline) | reliable | goal | met | server CPU an answer (row / bare) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ];
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  for (const row of table.figures) {
    const baseline = row.baseline === undefined ? '' : `${row.baseline.result} (${row.baseline.name})`;
    const ratio = row.ratio === undefined ? '' : percent(row.ratio);
    const cpu =
      row.load === undefined
        ? ''
        : `${percent(row.load.cpu)} / ${percent(row.load.baselineCpu)} (${row.load.generator})`;
    const reliable =
      row.load === undefined ? '' : row.unreliable === undefined ? 'yes' : `**no**: ${row.unreliable}`;
    const met =
      row.met === undefined
        ? row.unreliable === undefined
          ? ''
          : 'not judged'
        : row.met
          ? 'yes'
          : row.unreliable === undefined
            ? '**no**'
            : '**no** (the ratio is an upper bound)';
    const perAnswer =
      row.cpuPerAnswer === undefined
        ? ''
        : `${formatNumber(row.cpuPerAnswer.row, 1)} / ${formatNumber(row.cpuPerAnswer.baseline, 1)} µs (bare's ${percent(row.cpuPerAnswer.baseline / row.cpuPerAnswer.row)})`;
    lines.push(
      `| ${row.figure} | ${row.result} | ${baseline} | ${ratio} | ${cpu} | ${reliable} | ${row.goal} | ${met} | ${perAnswer} |`,
    );
  }
  return lines.join('\n');
}

export function writeReport(report: BenchReport): string {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/bench-${report.when.replace(/[:.]/g, '-')}.json`;
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync('bench/results/latest.json', text);
  return file;
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
