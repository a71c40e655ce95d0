import { mkdirSync } from 'node:fs';
import type { UsageEventRecord } from '../src/domain/records/usage-event-record.js';
import { PUBLIC_LINK_EVENT_TYPES } from '../src/domain/usage-event.js';
import type { Store } from '../src/storage/store.js';
import { getJson } from './http-client.js';
import type { LoadOptions } from './load.js';
import { formatNumber, type Figure } from './report.js';
import { percentile } from './stats.js';
import { compareWithBare } from './throughput.js';
import { BENCH_APP, REPORT_DAY } from './workload.js';

/**
 * The sibling metrics endpoints (docs/apple-behavior.md, §7) over the reference app: a beta group holding every
 * other tester, with the workload's first build (number 100, which every early tester used) and a public link
 * with a year of events. Made once per store by `prepareSiblings` (fixed ids: a second run changes nothing);
 * measured by `siblingFigures` with the app's goals: a repeated page against bare node:http serving the same
 * bytes, and one cold page (after a write that retires the kept answers) per endpoint.
 */
export const BENCH_GROUP = 'bench-group';
export const BENCH_BUILD = 'bench-build-100';

export async function prepareSiblings(store: Store, testerIds: readonly string[]): Promise<void> {
  if ((await store.buildDataVersion(BENCH_BUILD)) === undefined) {
    await store.createBuild({
      id: BENCH_BUILD,
      appId: BENCH_APP.id,
      version: '100',
      uploadedAt: `${REPORT_DAY}T00:00:00.000Z`,
    });
  }
  if ((await store.groupDataVersion(BENCH_GROUP)) === undefined) {
    await store.createBetaGroup(
      {
        id: BENCH_GROUP,
        appId: BENCH_APP.id,
        name: 'Bench group',
        isInternal: false,
        createdAt: `${REPORT_DAY}T00:00:00.000Z`,
      },
      testerIds.filter((_, index) => index % 2 === 0),
    );
    await store.addToBetaGroup(BENCH_GROUP, { buildIds: [BENCH_BUILD] });
    await store.addIndividualTesters(
      BENCH_BUILD,
      testerIds.filter((_, index) => index % 7 === 1),
    );
    const events: UsageEventRecord[] = [];
    for (let n = 0; n < 20_000; n++) {
      const day = new Date(Date.parse(`${REPORT_DAY}T12:00:00Z`) - (n % 365) * 86_400_000).toISOString();
      const type = PUBLIC_LINK_EVENT_TYPES[n % PUBLIC_LINK_EVENT_TYPES.length] ?? 'publicLinkView';
      events.push({
        id: `bench-link-${n}`,
        appId: BENCH_APP.id,
        testerId: '',
        type,
        occurredAt: day,
        receivedAt: day,
        groupId: BENCH_GROUP,
        ...(type === 'publicLinkDecline' && {
          reason: (['notRelevant', 'notClear', 'notInteresting'] as const)[n % 3],
        }),
      });
    }
    for (let first = 0; first < events.length; first += 1_000) {
      await store.appendUsageEvents(events.slice(first, first + 1_000));
    }
  }
}

export interface SiblingBench {
  readonly serverUrl: string;
  readonly headers: Record<string, string>;
  readonly testerId: string;
  readonly load: LoadOptions & { readonly runs: number };
  readonly coldSamples: number;
  readonly coldP50Goal: number;
  /** The least share of bare node:http each repeated page must reach. */
  readonly goalRatio: number;
  /** What wrk gets from bare node:http on this machine in this run (throughput.ts's `calibrate`). */
  readonly capacity: number;
  /** The server's process (its CPU per answer is reported beside bare node:http's). */
  readonly serverPid: number;
  /** A write to the reference app, which retires every kept answer of it (and of its groups and builds). */
  invalidate(): Promise<void>;
}

export async function siblingFigures(bench: SiblingBench): Promise<Figure[]> {
  const endpoints = [
    [
      'group betaTesterUsages (limit 200, P365D)',
      `/v1/betaGroups/${BENCH_GROUP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=200&period=P365D`,
    ],
    [
      'tester betaTesterUsages (P365D)',
      `/v1/betaTesters/${bench.testerId}/metrics/betaTesterUsages?filter%5Bapps%5D=${BENCH_APP.id}&period=P365D`,
    ],
    ['build betaBuildUsages', `/v1/builds/${BENCH_BUILD}/metrics/betaBuildUsages`],
    ['group publicLinkUsages', `/v1/betaGroups/${BENCH_GROUP}/metrics/publicLinkUsages`],
  ] as const;
  const figures: Figure[] = [];
  mkdirSync('.bench/tmp', { recursive: true });
  for (const [name, path] of endpoints) {
    const url = `${bench.serverUrl}${path}`;
    const page = await getJson(url, bench.headers);
    figures.push(
      await compareWithBare({
        figure: `repeated ${name} page (${formatNumber(page.raw.length)} bytes), ${bench.load.connections} connections`,
        url,
        serverPid: bench.serverPid,
        headers: bench.headers,
        answer: page,
        bodyFile: '.bench/tmp/sibling.json',
        load: bench.load,
        goalRatio: bench.goalRatio,
        capacity: bench.capacity,
      }),
    );
    const samples: number[] = [];
    for (let i = 0; i < bench.coldSamples; i++) {
      await bench.invalidate();
      samples.push((await getJson(url, bench.headers)).ms);
    }
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    figures.push({
      figure: `one cold ${name} page (${samples.length} samples)`,
      result: `${formatNumber(p50, 1)} / ${formatNumber(p99, 1)} ms`,
      value: [p50, p99],
      unit: 'ms (p50 / p99)',
      goal: `<= ${bench.coldP50Goal} / <= 20 ms`,
      met: p50 <= bench.coldP50Goal && p99 <= 20,
    });
  }
  return figures;
}
