import type { Counter, Metric, Registry } from 'prom-client';

/** One series of the request metrics: a method, route pattern and status. */
interface Series {
  readonly labels: { readonly method: string; readonly route: string; readonly status: string };
  count: number;
  sum: number;
  /** Answers per bucket of `bounds` (not cumulative); the last counts those above every bound. */
  readonly buckets: number[];
}

/**
 * The HTTP request counter and duration histogram, tallied in plain numbers per series and handed to
 * prom-client when scraped. prom-client builds, checks and hashes the labels of every labelled call (a string
 * and a lookup in a dictionary per call, twice per answer): about 4% of a replayed small answer's CPU samples,
 * and a build without them answered 5-7% more (BENCHMARKS.md, "Where the time goes now"). Series are found
 * through maps keyed by each label's own value, so an answer builds no key. Bounded as the labels are: methods
 * and route patterns are the server's own (metrics.ts), statuses three digits.
 */
export class RequestTally {
  private readonly byMethod = new Map<string, Map<string, Map<number, Series>>>();
  /** Every series, in the order first seen: the order prom-client lists them in. */
  private readonly all: Series[] = [];

  constructor(private readonly bounds: readonly number[]) {}

  /**
   * The series counted last and its status: a run of answers of one series (a client's repeated page) counts
   * into it again without the three lookups (BENCHMARKS.md, "The replay's own work, cut again").
   */
  private last: { readonly series: Series; readonly status: number } | undefined;

  observe(method: string, route: string, status: number, seconds: number): void {
    const last = this.last;
    const series =
      last !== undefined &&
      last.status === status &&
      last.series.labels.route === route &&
      last.series.labels.method === method
        ? last.series
        : this.seriesOf(method, route, status);
    series.count++;
    series.sum += seconds;
    // prom-client's bucket of a value is the first bound at or above it.
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > (this.bounds[bucket] as number)) bucket++;
    series.buckets[bucket] = (series.buckets[bucket] ?? 0) + 1;
  }

  private seriesOf(method: string, route: string, status: number): Series {
    let byRoute = this.byMethod.get(method);
    if (byRoute === undefined) {
      byRoute = new Map();
      this.byMethod.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        labels: { method, route, status: String(status) },
        count: 0,
        sum: 0,
        buckets: new Array<number>(this.bounds.length + 1).fill(0),
      };
      byStatus.set(status, series);
      this.all.push(series);
    }
    this.last = { series, status };
    return series;
  }

  series(): readonly Readonly<Series>[] {
    return this.all;
  }

  /** Sets `counter` to each series' count, when scraped (its `collect`). */
  countInto(counter: Counter<'method' | 'route' | 'status'>): void {
    counter.reset();
    for (const series of this.series()) counter.inc(series.labels, series.count);
  }

  /**
   * Registers the histogram `name` in `registry`, read from this tally, in the shape prom-client's own
   * Histogram gives the registry (`getForPromString`): per series, its cumulative buckets, `+Inf`, sum and count.
   */
  registerHistogram(registry: Registry, name: string, help: string): void {
    const histogram = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: this.all.flatMap((series) => {
          // As prom-client's: `le` first, then the series' labels (shared by its lines).
          const line = (metricName: string, labels: object, value: number) => ({
            metricName,
            labels,
            sharedLabels: series.labels,
            value,
          });
          let cumulative = 0;
          return [
            ...this.bounds.map((le, n) => {
              cumulative += series.buckets[n] ?? 0;
              return line(`${name}_bucket`, { le }, cumulative);
            }),
            line(`${name}_bucket`, { le: '+Inf' }, series.count),
            line(`${name}_sum`, {}, series.sum),
            line(`${name}_count`, {}, series.count),
          ];
        }),
      }),
      reset: () => {
        this.byMethod.clear();
        this.all.length = 0;
        this.last = undefined;
      },
    };
    // The registry reads a metric through `get` and `reset` alone; prom-client's types name only its own classes.
    registry.registerMetric(histogram as unknown as Metric);
  }
}
