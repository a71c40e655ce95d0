import type { FastifyRequest } from 'fastify';
import type { QueryPairs } from './params/query-params.js';

/**
 * The request's query as the client sent it: pairs in order, decoded the way form-encoded queries are (as the
 * live service, a Java server, decodes them). Fastify's parsed `request.query` loses the order, which
 * `links.self` must keep (docs/apple-behavior.md, §1).
 */
export function queryPairs(request: FastifyRequest): QueryPairs {
  return queryPairsOf(request.url);
}

/** The query pairs of a request target (`/v1/apps?limit=5`), as `queryPairs` reads them. */
export function queryPairsOf(url: string): QueryPairs {
  const question = url.indexOf('?');
  if (question < 0) return [];
  return [...new URLSearchParams(url.slice(question + 1))].filter(([name]) => name.length > 0);
}

/** The path of the request, without its query. */
export function requestPath(request: FastifyRequest): string {
  return pathOf(request.url);
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const question = url.indexOf('?');
  return question < 0 ? url : url.slice(0, question);
}

/** Writes pairs back as a query string; brackets are percent-encoded (`filter%5BbetaTesters%5D`), as Apple does. */
export function encodeQuery(pairs: QueryPairs): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}
