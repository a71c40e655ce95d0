import type { FastifyReply } from 'fastify';
import { markReplayable } from '../answer-replay.js';
import type { Recheck } from '../kept-answer.js';
import type { PageCache } from '../page-cache.js';
import type { QueryPairs } from '../params/query-params.js';
import { encodeQuery } from '../query-string.js';

/**
 * Where the metrics family keeps an answer in the page cache (http/page-cache.ts): the request's path (so the
 * operations share one cache without meeting), the base URL its links are built on, and the query as read, not
 * as written: padding (`&&&`, `&=x`) or spelling (`limit=05`) that changes nothing in the answer makes no
 * other entry.
 */
function metricsCacheKey({ path, base, echo }: MetricsRequest): string {
  return `${path}\u0000${base}\u0000${encodeQuery(echo)}`;
}

/** What a metrics answer is of: the request's path, the base URL its links are built on, the query as read. */
export interface MetricsRequest {
  readonly path: string;
  readonly base: string;
  readonly echo: QueryPairs;
}

/**
 * Answers from the page cache when it holds `key` at `freshness` (what the store says now: a write on any node
 * changes it), else computes the document, serializes it and keeps the bytes under the freshness the document
 * was read at. Either way the answer may be replayed (answer-replay.ts) while `recheck`, the route's freshness
 * read again, still gives the one it was made at.
 *
 * Serialized by `JSON.stringify`, not by the route's response schema (fast-json-stringify, as other answers):
 * the schema's serializer builds a page of 200 testers (91 KB) from thousands of small strings, which Buffer.from
 * then copies into one: half the garbage of a page read while paging (a sampling heap profile), and with the
 * young generation at 1 MB (main/heap-policy.ts) a scavenge every two or three pages (docs/architecture.md,
 * "Writing a cold page"). The documents are built with the schema's members in its order, so both write the
 * same bytes: metrics-answer-bytes.test.ts compares them for every route that answers here.
 */
export async function sendCachedMetrics(
  cache: PageCache,
  reply: FastifyReply,
  asked: MetricsRequest,
  freshness: { readonly now: string } & Recheck,
  compute: () => Promise<{ readonly freshness: string; readonly document: unknown }>,
): Promise<FastifyReply> {
  const key = metricsCacheKey(asked);
  const kept = cache.get(key, freshness.now);
  if (kept !== undefined) {
    markReplayable(reply, { ...freshness, scope: asked.path, freshness: freshness.now });
    return reply.type('application/json').send(kept);
  }
  let madeAt: string | undefined;
  const body = await cache.compute(asked.path, key, freshness.now, async () => {
    const computed = await compute();
    madeAt = computed.freshness;
    return { freshness: computed.freshness, body: Buffer.from(JSON.stringify(computed.document)) };
  });
  // A request that waited for another's computation does not know what that one read at: not kept.
  if (madeAt !== undefined) markReplayable(reply, { ...freshness, scope: asked.path, freshness: madeAt });
  return reply.type('application/json').send(body);
}
