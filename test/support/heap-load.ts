import { expect } from 'vitest';

/** Reads that make garbage and survivors, as a client's load does: rounds of concurrent requests. */
const CONCURRENT = 16;

/**
 * Loads a server with `rounds` rounds of concurrent reads of the apps list, with one of 200 limits each (the
 * list is not replayed: each read is answered by the full path, which makes a document and keeps it), then
 * reads its new space (both semi-spaces) from its own `GET /metrics` (prom-client's heap space gauges).
 * `authorization`: the whole header.
 */
export async function newSpaceAfterReads(
  baseUrl: string,
  authorization: string,
  rounds: number,
): Promise<number> {
  for (let round = 0; round < rounds; round++) {
    const statuses = await Promise.all(
      Array.from({ length: CONCURRENT }, async (_, i) => {
        const limit = 1 + ((round * CONCURRENT + i) % 200);
        const answer = await fetch(`${baseUrl}/v1/apps?limit=${limit}`, { headers: { authorization } });
        await answer.arrayBuffer();
        return answer.status;
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  }
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics);
  expect(line, 'GET /metrics reports the new space').not.toBeNull();
  return Number(line?.[1]);
}
