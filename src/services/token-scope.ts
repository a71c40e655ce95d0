import type { RequestTarget } from './token-verifier.js';

/** Query parameters a scope entry need not name: paging and sorting change pages, not what is read. */
const IGNORED_IN_SCOPE = new Set(['limit', 'cursor', 'sort']);

/**
 * Whether a token's `scope` allows the request (docs/apple-behavior.md, §5): some entry names the same method and
 * exactly the same path, and the same query parameters as a set, apart from limit, cursor and sort. HEAD is
 * allowed wherever GET is.
 */
export function scopeAllows(scope: readonly string[], target: RequestTarget): boolean {
  // A HEAD request is allowed by a GET entry (HEAD reads what GET reads) and by a HEAD entry.
  const methods = target.method === 'HEAD' ? ['GET', 'HEAD'] : [target.method];
  const wanted = querySet(target.query);
  return scope.some((entry) => {
    const space = entry.indexOf(' ');
    if (space < 0 || !methods.includes(entry.slice(0, space))) return false;
    const url = entry.slice(space + 1);
    const question = url.indexOf('?');
    const path = question < 0 ? url : url.slice(0, question);
    if (path !== target.path) return false;
    const granted = querySet(question < 0 ? [] : [...new URLSearchParams(url.slice(question + 1))]);
    return granted.size === wanted.size && [...granted].every((pair) => wanted.has(pair));
  });
}

function querySet(pairs: ReadonlyArray<readonly [string, string]>): Set<string> {
  const set = new Set<string>();
  for (const [name, value] of pairs) if (!IGNORED_IN_SCOPE.has(name)) set.add(`${name}=${value}`);
  return set;
}
