import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How `serve` keeps its heap small (docs/architecture.md, "Memory"): V8's defaults suit a short burst of
 * work, not a server whose live data is a few tens of MB. Under load they let the young generation grow to 16
 * MB a semi-space (32 MB in use, nearly all garbage between scavenges) and the old generation grow up to four
 * times its live size before a full collection: a heap snapshot after the bench's metrics load
 * found 23 MB live in a process of 209 MB.
 *
 * Two flags V8 reads each time it sizes a space, so setting them once the process runs takes effect (the ones
 * read only when the heap is made, `--max-semi-space-size` and `--max-old-space-size`, would not):
 * - `--semi-space-growth-factor=1`: the young generation stays at its first size (1 MB a semi-space) instead of
 *   doubling whenever survivors fill it. Scavenges come more often, and more objects live long enough to be
 *   promoted: under ingestion garbage collection takes 24% of the server's CPU instead of 8%, for half the
 *   peak RSS (BENCHMARKS.md, "The lean heap"). Set before the server's modules load (main.ts): V8 never gives
 *   back a young generation once grown, and loading them alone grows it to 8 MB a semi-space. Once the server
 *   listens, `capYoungGeneration` lets it grow to its store's ceiling (2 or 8 MB a semi-space) and no further.
 * - `--heap-growing-percent=100`: after a full collection the old generation may grow by its live size
 *   before the next, instead of V8's own factor of up to 4. Set once the server listens (main/serve.ts): V8
 *   reads it at each full collection, and while the ~1,000 modules load the heap grows from 4 to 20 MB, which
 *   with it cost a second full collection before the server was ready (25 ms in a traced start). The first
 *   full collection after that sizes the old generation by it, as if it had been set all along.
 *
 * An operator who sizes the heap (`NODE_OPTIONS=--max-semi-space-size=...` or any flag of `HEAP_SIZING`) keeps
 * V8's behaviour as they set it: nothing here overrides them. Figures: BENCHMARKS.md.
 */
export const LEAN_HEAP_FLAGS = {
  start: ['--semi-space-growth-factor=1'],
  listening: ['--heap-growing-percent=100'],
} as const;

/** Flags that size V8's heap, as `--a-b` or `--a_b`: given any of them, the operator decides. */
const HEAP_SIZING =
  /--(max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor|max[-_]old[-_]space[-_]size|initial[-_]old[-_]space[-_]size|max[-_]heap[-_]size|initial[-_]heap[-_]size|heap[-_]growing[-_]percent)\b/;

/** Whether the process was started with a heap size of the operator's own. */
export function heapSizedByOperator(execArgv: readonly string[], nodeOptions: string): boolean {
  return HEAP_SIZING.test(`${execArgv.join(' ')} ${nodeOptions}`);
}

/** The store `serve` serves: what its process holds besides V8's heap depends on it (YOUNG_GENERATION_CEILING_MB). */
export type StoreKind = 'sqlite' | 'postgres';

export interface LeanHeapOptions {
  readonly execArgv?: readonly string[];
  readonly nodeOptions?: string;
  /** The store `serve` serves, which sets the young generation's ceiling once listening. */
  readonly store?: StoreKind;
}

/**
 * Applies the LEAN_HEAP_FLAGS of `moment` (`start`: before the server's modules load; `listening`: once it
 * listens, and from then on the young generation's ceiling for its store, `capYoungGeneration`) unless the
 * operator sized the heap; says which flags it set.
 */
export function keepHeapLean(
  moment: keyof typeof LEAN_HEAP_FLAGS,
  options: LeanHeapOptions = {},
): readonly string[] {
  const { execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '' } = options;
  if (heapSizedByOperator(execArgv, nodeOptions)) return [];
  for (const flag of LEAN_HEAP_FLAGS[moment]) setFlagsFromString(flag);
  if (moment === 'listening') capYoungGeneration(YOUNG_GENERATION_CEILING_MB[options.store ?? 'sqlite']);
  return LEAN_HEAP_FLAGS[moment];
}

/**
 * The young generation's ceiling once the server listens, a semi-space's size in MB, by store. Held at V8's
 * first size (1 MB), a small answer's garbage (about 10 KB of Node's request and response objects and ours)
 * filled it every hundred requests, and scavenges took a fifth of the server's CPU. At 2 MB they came half as
 * often (BENCHMARKS.md, "The young generation's ceiling"); 4 MB gained nothing more; at 8 MB a replayed small
 * answer cost about an eighth less CPU than at 2, on both stores, and PostgreSQL's ingestion about a seventh
 * less (BENCHMARKS.md, "Eight megabytes a semi-space"). The young generation then grows past 2 MB under
 * ingestion too, for about 12 MB more peak RSS: on PostgreSQL the server peaked at 123-129 MB, within the
 * memory goal's 150; on SQLite, whose process also holds the store's page cache and statements, at 140-156 MB
 * against 125-148 at 2 MB. So SQLite keeps 2 MB.
 */
export const YOUNG_GENERATION_CEILING_MB: Readonly<Record<StoreKind, number>> = { sqlite: 2, postgres: 8 };

/**
 * V8 reads a semi-space's bounds only when it makes the heap (`--max-semi-space-size`), but reads
 * `--semi-space-growth-factor` each time the young generation grows: after every collection this lets it grow
 * (a factor of 2) while a semi-space is below `ceilingMb`, and stops it (1) once it is there. The factor is set
 * after the collection that grew it, reported on a later turn of the event loop, so a long stretch of
 * synchronous work can grow it past the ceiling before the factor stops it (under SQLite ingestion's writes:
 * once, from 2 MB to 4). Watches for the rest of the process, as `serve` runs.
 */
export function capYoungGeneration(ceilingMb: number): void {
  // A semi-space's pages hold a little less than its size: 1 MB holds 0.98 MB, 2 MB 1.97.
  const below = ceilingMb * 0.9 * 1024 * 1024;
  let factor: number | undefined;
  const adjust = () => {
    const wanted = semiSpaceCapacity() < below ? 2 : 1;
    if (wanted === factor) return;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
    factor = wanted;
  };
  adjust();
  new PerformanceObserver(adjust).observe({ entryTypes: ['gc'] });
}

/** What one semi-space of the young generation holds now, in bytes: what is allocated in it and what is left. */
export function semiSpaceCapacity(): number {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return newSpace === undefined ? 0 : newSpace.space_used_size + newSpace.space_available_size;
}
