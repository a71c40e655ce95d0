import autocannon from 'autocannon';

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** Answers per second over the run, all of them 200. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Loads `url` with autocannon (GET, keep-alive, `connections` at once, for `seconds`) and returns the rate
 * of answers. Any answer but 200 fails the benchmark: a 429 or 401 answered fast would flatter the figure.
 */
export async function load(
  url: string,
  headers: Record<string, string>,
  options: LoadOptions,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    headers,
    connections: options.connections,
    duration: options.seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} answers were not 2xx, ${result.errors} errors`);
  }
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/** Several loads of `urls` at once (one autocannon each), e.g. two nodes behind no balancer; total answers per second. */
export async function loadTogether(
  urls: readonly string[],
  headers: Record<string, string>,
  options: LoadOptions,
): Promise<number> {
  const results = await Promise.all(urls.map((url) => load(url, headers, options)));
  return results.reduce((sum, result) => sum + result.rps, 0);
}
