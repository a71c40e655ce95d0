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
