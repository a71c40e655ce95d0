/**
 * The values of `rows` in the order of their keys, by the engine's own comparison of strings (code unit order,
 * as `<`). Ingestion's writes go in this order so that concurrent batches lock the rows they share in the same
 * order (no deadlocks between them); sorting the keys alone spares a [key, row] pair each, on a path where
 * allocations cost a quarter of the CPU (BENCHMARKS.md, "What made the difference").
 */
export function inKeyOrder<V>(rows: ReadonlyMap<string, V>): V[] {
  return [...rows.keys()].sort().map((key) => rows.get(key) as V);
}
