import type { FastifyRequest } from 'fastify';
import type { CursorToken } from '../services/cursor-token.js';
import { formatCursor } from './cursor-text.js';
import type { QueryPairs } from './params/query-params.js';
import { encodeQuery } from './query-string.js';

/**
 * Where links point. All links are absolute, on the server's public base URL (docs/apple-behavior.md, §1): the one
 * configured, else the address the server listens on, else (listening on every interface) the host the client
 * called, so a client that follows `next` stays on the server that answered.
 */
export type PublicBaseUrl = (request: FastifyRequest) => string;

export function fixedBaseUrl(url: string): PublicBaseUrl {
  const base = url.replace(/\/+$/, '');
  return () => base;
}

export const baseUrlFromHostHeader: PublicBaseUrl = (request) => `${request.protocol}://${request.host}`;

/** `<base><path>?<query>`, or without `?` when there is no query. */
export function linkTo(base: string, path: string, query: QueryPairs = []): string {
  return query.length === 0 ? `${base}${path}` : `${base}${path}?${encodeQuery(query)}`;
}

/**
 * The `links` of a paged document: `self` as the client asked, and `next` only when another page exists:
 * `cursor=<opaque>&` followed by the query of `self` without its own cursor (docs/apple-behavior.md, §1).
 */
export function pagedLinks(base: string, path: string, echo: QueryPairs, next: CursorToken | undefined) {
  const self = linkTo(base, path, echo);
  if (next === undefined) return { self };
  return { self, next: linkTo(base, path, nextPageQuery(echo, next)) };
}

/** The query of the `next` link of a page asked with `echo`. */
export function nextPageQuery(echo: QueryPairs, next: CursorToken): QueryPairs {
  return [['cursor', formatCursor(next)], ...echo.filter(([name]) => name !== 'cursor')];
}
