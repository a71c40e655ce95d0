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
 * young generation at 1 MB, as it then was (main/heap-policy.ts), a scavenge every two or three pages
 * (docs/architecture.md, "Writing a cold page"). The documents are built with the schema's members in its
 * order, so both write the same bytes: metrics-answer-bytes.test.ts compares them for every route that answers
 * here.
 */
export async function sendCachedMetrics(
  cache: PageCache,
  reply: FastifyReply,
  asked: MetricsRequest,
  freshness: { readonly now: string } & Recheck,
  compute: () => Promise<MetricsComputation>,
): Promise<FastifyReply> {
  const key = metricsCacheKey(asked);
  const kept = cache.get(key, freshness.now);
  if (kept !== undefined) {
    markReplayable(reply, { ...freshness, scope: asked.path, freshness: freshness.now });
    readAhead(cache, nextPages.get(kept), freshness.now);
    return reply.type('application/json').send(kept);
  }
  let madeAt: string | undefined;
  const body = await cache.compute(asked.path, key, freshness.now, async () => {
    const computed = await compute();
    madeAt = computed.freshness;
    return serialized(computed);
  });
  // A request that waited for another's computation does not know what that one read at: not kept.
  if (madeAt !== undefined) markReplayable(reply, { ...freshness, scope: asked.path, freshness: madeAt });
  readAhead(cache, nextPages.get(body), freshness.now);
  return reply.type('application/json').send(body);
}

/** A metrics document, the freshness it was read at, and for a page read from a cursor the page after it. */
export interface MetricsComputation {
  readonly freshness: string;
  readonly document: unknown;
  /** The next page, to be read ahead (readAhead): only of a page asked with a cursor that has a next one. */
  readonly next?: () => NextPage;
}

/** What the request of a page's `next` link will ask, and how its answer is computed. */
export interface NextPage {
  readonly asked: MetricsRequest;
  readonly compute: () => Promise<MetricsComputation>;
}

/** Each kept page's next page, by the bytes kept (so it goes when they do). */
const nextPages = new WeakMap<Buffer, () => NextPage>();

function serialized(computed: MetricsComputation): { freshness: string; body: Buffer } {
  const body = Buffer.from(JSON.stringify(computed.document));
  if (computed.next !== undefined) nextPages.set(body, computed.next);
  return { freshness: computed.freshness, body };
}

/**
 * Read-ahead (docs/architecture.md, "Reading ahead"): once a page asked with a cursor is answered, the page its
 * `next` link names is computed and kept, as its request would compute and keep it, while the client reads the
 * answer. A client walking every page (as every-page.ts does) then finds each next page ready, or being read
 * (its request joins that computation: page-cache.ts). Only pages asked with a cursor: a first page read alone
 * (a dashboard's) costs no second read. Nothing is read ahead of a read ahead until its page is asked for, so
 * a client that stops costs one page.
 */
function readAhead(cache: PageCache, next: (() => NextPage) | undefined, freshness: string): void {
  if (next === undefined) return;
  setImmediate(() => {
    try {
      const page = next();
      const key = metricsCacheKey(page.asked);
      if (cache.get(key, freshness) !== undefined) return;
      cache
        .compute(page.asked.path, key, freshness, async () => serialized(await page.compute()))
        // A failure is answered to a request that joined the read; read for nobody, it is dropped.
        .catch(() => {});
    } catch {
      // The next page's query not read (it is the server's own link): nothing read ahead.
    }
  });
}
