import { setFlagsFromString } from 'node:v8';

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
 *   peak RSS (BENCHMARKS.md, "The lean heap").
 * - `--heap-growing-percent=100`: after a full collection the old generation may grow by its live size
 *   before the next, instead of V8's own factor of up to 4.
 *
 * An operator who sizes the heap (`NODE_OPTIONS=--max-semi-space-size=...` or any flag of `HEAP_SIZING`) keeps
 * V8's behaviour as they set it: nothing here overrides them. Figures: BENCHMARKS.md.
 */
export const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=100'] as const;

/** Flags that size V8's heap, as `--a-b` or `--a_b`: given any of them, the operator decides. */
const HEAP_SIZING =
  /--(max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor|max[-_]old[-_]space[-_]size|initial[-_]old[-_]space[-_]size|max[-_]heap[-_]size|initial[-_]heap[-_]size|heap[-_]growing[-_]percent)\b/;

/** Whether the process was started with a heap size of the operator's own. */
export function heapSizedByOperator(execArgv: readonly string[], nodeOptions: string): boolean {
  return HEAP_SIZING.test(`${execArgv.join(' ')} ${nodeOptions}`);
}

/** Applies LEAN_HEAP_FLAGS unless the operator sized the heap; says which. */
export function keepHeapLean(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  if (heapSizedByOperator(execArgv, nodeOptions)) return false;
  for (const flag of LEAN_HEAP_FLAGS) setFlagsFromString(flag);
  return true;
}
