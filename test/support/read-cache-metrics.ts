import { expect } from 'vitest';
import { statusOf, testerUsagePath } from './node-requests.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

/** What a running server's GET /metrics says of its read caches (storage/read-caches.ts). */
export interface ReadCacheMetrics {
  /** beta_metrics_read_cache_watching: the caches answer (1), or every read goes to the store (0). */
  readonly watching: boolean;
  /** beta_metrics_read_cache_reads_total{outcome="hit"}, by cache. */
  readonly hits: { readonly apiKeys: number; readonly appDataVersions: number; readonly testers: number };
}

export async function readCacheMetrics(baseUrl: string): Promise<ReadCacheMetrics> {
  const samples = parsePrometheusText(await (await fetch(`${baseUrl}/metrics`)).text());
  const hits = (cache: string) =>
    sampleValue(samples, 'beta_metrics_read_cache_reads_total', { cache, outcome: 'hit' }) ?? 0;
  return {
    watching: sampleValue(samples, 'beta_metrics_read_cache_watching') === 1,
    hits: {
      apiKeys: hits('api_keys'),
      appDataVersions: hits('app_data_versions'),
      testers: hits('testers'),
    },
  };
}

/**
 * A tester's metrics page read twice from server `kept` (the second time its existence answered from memory: a
 * hit of the testers' cache), the tester deleted through server `other`, then one request to `kept`, no
 * polling: it must answer 404.
 */
export async function expectDeletedTesterGoneAtOnce(
  kept: string,
  other: string,
  admin: string,
  testerId: string,
  appId: string,
): Promise<void> {
  const page = testerUsagePath(testerId, [appId]);
  expect(await statusOf(kept, page, admin)).toBe(200);
  const before = await readCacheMetrics(kept);
  expect(await statusOf(kept, page, admin)).toBe(200);
  expect((await readCacheMetrics(kept)).hits.testers).toBeGreaterThan(before.hits.testers);
  expect(await statusOf(other, `/v1/betaTesters/${testerId}`, admin, 'DELETE')).toBe(204);
  expect(await statusOf(kept, page, admin)).toBe(404);
}
