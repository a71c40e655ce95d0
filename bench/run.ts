import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { explainInstalledTesterCount } from './explain-total.js';
import { EventSource, ingestOverHttp, rawInserts } from './ingest-load.js';
import { INGEST_APP, invalidate, prepareFixture, removeIngestApp } from './fixture.js';
import { getJson } from './http-client.js';
import { readIntoPageCache } from './os-cache.js';
import { loadGenerator, loadTogether } from './load.js';
import { type BenchStore, benchStore, DEFAULT_DATA_DIR, STORE_OPTIONS, serveArgs } from './options.js';
import {
  type BackendTable,
  type BenchReport,
  commit,
  type Figure,
  formatNumber,
  machine,
  renderTable,
  writeReport,
} from './report.js';
import { type ServerProcess, startProcess } from './server-process.js';
import { siblingFigures } from './siblings.js';
import { median, percentile } from './stats.js';
import { BASELINE_FLOOR, calibrate, compareWithBare, throughputFigure } from './throughput.js';
import { BENCH_APP, BENCH_PATHS } from './workload.js';

/**
 * `npm run bench [-- --quick] [--database-url URL] [--postgres-only] [--only FIGURES] [--rate-limit N] [--ingest-ids client|random]`: every figure of the performance table on the
 * embedded store (and on PostgreSQL with --database-url), each with its baseline measured in this run, printed
 * as a table and written to bench/results/*.json. Needs `npm run bench:data` first (with the same options).
 */
const { values } = parseArgs({
  options: {
    ...STORE_OPTIONS,
    quick: { type: 'boolean', default: false },
    'postgres-only': { type: 'boolean', default: false },
    // For before/after figures: serve another build (`--server ../old/dist/main.js`) on a store left at its
    // schema (`--no-migrate`), and run some figures only (`--only metrics,paging,cold,siblings,total,ingest`).
    server: { type: 'string', default: 'dist/main.js' },
    'no-migrate': { type: 'boolean', default: false },
    only: { type: 'string' },
    // The server's --rate-limit: a budget no run spends by default; 0 measures without the limiter.
    'rate-limit': { type: 'string', default: '999999999' },
    // The ids ingestion's events carry over HTTP: `client`, as beta-metrics/ingest makes them (time-ordered),
    // or `random` (version 4 UUIDs, as other senders may make them). The raw-insert baseline has random ids.
    'ingest-ids': { type: 'string', default: 'client' },
  },
});
const quick = values.quick;
const only = values.only === undefined ? undefined : new Set(values.only.split(','));
const measures = (figure: string) => only === undefined || only.has(figure);
const ingestIds = values['ingest-ids'] === 'random' ? 'random' : 'client';
if (values['ingest-ids'] !== ingestIds) throw new Error('--ingest-ids: client or random');

/** How long and how often: the full run takes a few minutes per backend, --quick well under one. */
const PLAN = quick
  ? {
      loadRuns: 1,
      loadSeconds: 2,
      connections: 16,
      pagingRuns: 2,
      coldSamples: 15,
      ingestRuns: 1,
      ingestSeconds: 3,
      starts: 1,
    }
  : {
      loadRuns: 3,
      loadSeconds: 6,
      connections: 16,
      pagingRuns: 5,
      coldSamples: 60,
      ingestRuns: 3,
      ingestSeconds: 8,
      starts: 3,
    };
const PERIODS = ['P7D', 'P30D', 'P90D', 'P365D'] as const;
/**
 * The goals, each a ratio or a bound measured in the same run: the repeated metrics page as a share of bare
 * node:http sending the same bytes; small answers (the seed's first example, `GET /v1/apps/{id}`, the sibling
 * endpoints' pages), which a stand-in that tool builders hammer in CI spends its time on, likewise; cold pages
 * and paging; ingestion; memory and start.
 */
const GOALS = {
  sqlite: { repeatedRatio: 0.8, smallRatio: 0.6, coldP50: 5, pagingMs: 300, ingestion: 50_000 },
  postgres: { repeatedRatio: 0.6, smallRatio: 0.6, coldP50: 8, pagingMs: 500, ingestion: 30_000 },
};
const RSS_GOAL_MB = 150;
const READY_GOAL_MS = 500;

const startedAt = performance.now();
const targets: BenchStore[] = [];
if (!values['postgres-only'])
  targets.push(benchStore({ 'data-dir': values['data-dir'] ?? DEFAULT_DATA_DIR }));
if (values['database-url'] !== undefined) targets.push(benchStore(values));

const tables: BackendTable[] = [];
for (const target of targets) {
  log(`\n== ${target.name}`);
  const table = await runBackend(target);
  tables.push(table);
  console.log(
    `\n${target.backend === 'sqlite' ? 'Embedded store (SQLite)' : 'PostgreSQL'}: ${formatNumber(table.events)} events, ${table.seconds.toFixed(0)} s\n`,
  );
  console.log(renderTable(table));
}
const report: BenchReport = {
  when: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
  commit: commit(),
  machine: machine(),
  quick,
  loadTool:
    loadGenerator() === 'wrk'
      ? 'wrk (-t1), its own process'
      : 'autocannon in the bench process (fallback: wrk is not on the PATH; throughput rows are unreliable)',
  tables,
  seconds: (performance.now() - startedAt) / 1000,
};
const file = writeReport(report);
console.log(`\nWritten to ${file} (and bench/results/latest.json) in ${report.seconds.toFixed(0)} s.`);

type LoadRun = Awaited<ReturnType<typeof loadTogether>>;

async function runBackend(target: BenchStore): Promise<BackendTable> {
  const backendStarted = performance.now();
  const goals = GOALS[target.backend];
  const fixture = await prepareFixture(target, { migrate: !values['no-migrate'] });
  if ('dataDir' in target.location) {
    log("reading the store's file once, into the OS's page cache (os-cache.ts)");
    const { seconds, bytes } = readIntoPageCache(target.location.dataDir);
    log(`read ${(bytes / 1e9).toFixed(1)} GB in ${seconds.toFixed(1)} s`);
  }
  const figures: Figure[] = [];
  // Auth and the rate limiter stay on; the budget is large enough that no answer is a 429.
  const startServer = () =>
    startProcess(values.server, (port) => serveArgs(target, port, values['rate-limit']));

  log('serve ready on the existing store');
  const readies: number[] = [];
  let server: ServerProcess | undefined;
  for (let i = 0; i < PLAN.starts; i++) {
    await server?.stop();
    server = await startServer();
    readies.push(server.readyMs);
  }
  if (server === undefined) throw new Error('no server');
  const ready = median(readies);

  try {
    const headers = { authorization: `Bearer ${await fixture.token()}` };
    const pageUrl = `${server.url}${BENCH_PATHS.metricsPage}`;
    const firstPage = await getJson<{ meta: { paging: { total: number } } }>(pageUrl, headers);

    const load = { connections: PLAN.connections, seconds: PLAN.loadSeconds, runs: PLAN.loadRuns };
    mkdirSync('.bench/tmp', { recursive: true });
    // Only when a throughput row is measured: `--only ingest` needs none.
    const capacity = ['metrics', 'small', 'siblings', 'nodes'].some(measures)
      ? await calibrate('.bench/tmp/calibration.json', load)
      : { rps: Number.NaN, cpu: Number.NaN };
    if (!Number.isNaN(capacity.rps)) {
      log(`calibration: wrk gets ${formatNumber(capacity.rps)} req/s from bare node:http answering 2 bytes`);
      figures.push({
        figure: `calibration: bare node:http answering 2 bytes, ${PLAN.connections} connections`,
        result: `${formatNumber(capacity.rps)} req/s`,
        value: capacity.rps,
        unit: 'req/s',
        goal: `a bare baseline below ${BASELINE_FLOOR * 100}% of it is unreliable`,
        load: {
          generator: loadGenerator(),
          cpu: capacity.cpu,
          baselineCpu: capacity.cpu,
          cpuRuns: [],
          baselineCpuRuns: [],
        },
      });
    }
    const repeated = async (figure: string, url: string, goalRatio: number) => {
      const answer = await getJson(url, headers);
      return compareWithBare({
        figure: `${figure} (${formatNumber(answer.raw.length)} bytes), ${PLAN.connections} connections`,
        url,
        serverPid: server.pid,
        headers,
        answer,
        bodyFile: '.bench/tmp/page.json',
        load,
        goalRatio,
        capacity: capacity.rps,
      });
    };
    if (measures('metrics')) {
      log('repeated metrics page: bare node:http baseline vs the server');
      figures.push(
        await repeated('repeated metrics page (limit 200, P365D, auth on)', pageUrl, goals.repeatedRatio),
      );
    }
    if (measures('small')) {
      log("small answers: the seed's first example and GET /v1/apps/{id}, vs bare node:http");
      figures.push(
        await repeated(
          "repeated seed's first example (limit 5, P365D, auth and rate limit on)",
          `${server.url}${BENCH_PATHS.seedExample}`,
          goals.smallRatio,
        ),
        await repeated(
          'repeated `GET /v1/apps/{id}` (auth and rate limit on)',
          `${server.url}${BENCH_PATHS.app}`,
          goals.smallRatio,
        ),
      );
    }
    const rssMetrics = server.peakRssMb();

    if (measures('paging')) {
      log('paging through every tester, cold');
      const pagingMs: number[] = [];
      let pages = 0;
      for (let run = 0; run < PLAN.pagingRuns; run++) {
        await invalidate(server.url, fixture);
        const started = performance.now();
        pages = 0;
        let next: string | undefined = pageUrl;
        while (next !== undefined) {
          const page: { body: { links: { next?: string } } } = await getJson(next, headers);
          pages++;
          next = page.body.links.next;
        }
        pagingMs.push(performance.now() - started);
      }
      const paging = median(pagingMs);
      figures.push({
        figure: `paging through all ${formatNumber(firstPage.body.meta.paging.total)} testers (limit 200: ${pages} pages), cold`,
        result: `${formatNumber(paging / 1000, 3)} s`,
        value: pagingMs,
        unit: 'ms',
        goal: `<= ${formatNumber(goals.pagingMs / 1000, 1)} s`,
        met: paging <= goals.pagingMs,
      });
    }

    if (measures('cold')) {
      log('one cold page, per period, first and middle page');
      for (const period of PERIODS) {
        const first = pageUrl.replace('period=P365D', `period=${period}`);
        const middle = await middlePage(first, headers);
        for (const [which, url] of [
          ['first', first],
          ['middle', middle],
        ] as const) {
          const samples: number[] = [];
          for (let i = 0; i < PLAN.coldSamples; i++) {
            await invalidate(server.url, fixture);
            samples.push((await getJson(url, headers)).ms);
          }
          const p50 = percentile(samples, 50);
          const p99 = percentile(samples, 99);
          figures.push({
            figure: `one cold page, ${period}, ${which} page (${samples.length} samples)`,
            result: `${formatNumber(p50, 1)} / ${formatNumber(p99, 1)} ms`,
            value: [p50, p99],
            unit: 'ms (p50 / p99)',
            goal: `<= ${goals.coldP50} / <= 20 ms`,
            met: p50 <= goals.coldP50 && p99 <= 20,
          });
        }
      }
    }

    if (measures('siblings')) {
      log('the sibling metrics endpoints: repeated page vs bare node:http, and one cold page each');
      figures.push(
        ...(await siblingFigures({
          serverUrl: server.url,
          serverPid: server.pid,
          headers,
          testerId: fixture.testerIds[0] ?? '',
          load,
          coldSamples: PLAN.coldSamples,
          coldP50Goal: goals.coldP50,
          goalRatio: goals.smallRatio,
          capacity: capacity.rps,
          invalidate: () => invalidate(server?.url ?? '', fixture),
        })),
      );
    }

    if (measures('total')) {
      log('meta.paging.total: the plan of its query');
      const plan = await explainInstalledTesterCount(target.location, BENCH_APP.id);
      figures.push({
        figure: '`meta.paging.total` without reading usage rows',
        result:
          plan.usageTables.length === 0
            ? `reads ${plan.tables.join(', ')} only`
            : `reads ${plan.usageTables.join(', ')}`,
        value: plan.usageTables.length,
        unit: 'usage tables read',
        goal: 'no usage rows read (test: total-query-plan.test.ts)',
        met: plan.usageTables.length === 0,
      });
    }

    const source = new EventSource(INGEST_APP.id, fixture.testerIds, ingestIds);
    /** Peak RSS after the goal's ingestion, and after the out-of-order one that follows it. */
    let rssIngest: number | undefined;
    let rssSpread: number | undefined;
    // The store's ceiling for random keys: what any sender's ids must at least reach.
    const randomSource = new EventSource(INGEST_APP.id, fixture.testerIds, 'random');
    if (measures('ingest')) {
      log('ingestion over HTTP vs raw inserts');
      const httpRates: number[] = [];
      const rawRates: number[] = [];
      await ingestOverHttp([server.url], fixture.ingestAppKey, source, 1);
      for (let run = 0; run < PLAN.ingestRuns; run++) {
        httpRates.push(await ingestOverHttp([server.url], fixture.ingestAppKey, source, PLAN.ingestSeconds));
        rawRates.push(await rawInserts(target, randomSource, PLAN.ingestSeconds));
      }
      const ingest = median(httpRates);
      const raw = median(rawRates);
      figures.push({
        figure:
          ingestIds === 'client'
            ? 'ingestion over HTTP, batches of 1,000, 4 senders, dedup and durability on, ids as beta-metrics/ingest makes them (UUIDv7)'
            : 'ingestion over HTTP, batches of 1,000, 4 senders, dedup and durability on, random UUIDv4 ids',
        result: `${formatNumber(ingest)} events/s`,
        value: httpRates,
        unit: 'events/s',
        baseline: {
          name:
            target.backend === 'sqlite'
              ? 'raw better-sqlite3 inserts, random UUIDv4 ids, 1 transaction per 1,000'
              : 'raw pg inserts, random UUIDv4 ids, 1 transaction per 1,000, 4 connections',
          value: raw,
          result: `${formatNumber(raw)} events/s`,
        },
        ratio: ingest / raw,
        goal: `>= ${formatNumber(goals.ingestion)} events/s`,
        met: ingest >= goals.ingestion,
      });
      rssIngest = server.peakRssMb();
      // Not a goal's figure: what the same load costs when its timestamps come out of order (ingest-load.ts,
      // EventTimes), after the row above has written its own in order. Its peak RSS is reported beside the
      // goal's, not judged.
      log('ingestion over HTTP, timestamps out of order');
      const spreadSource = new EventSource(INGEST_APP.id, fixture.testerIds, ingestIds, 'spread');
      const spreadRates: number[] = [];
      for (let run = 0; run < PLAN.ingestRuns; run++)
        spreadRates.push(
          await ingestOverHttp([server.url], fixture.ingestAppKey, spreadSource, PLAN.ingestSeconds),
        );
      const spread = median(spreadRates);
      figures.push({
        figure:
          'the same ingestion, timestamps out of order (each batch across 1,000 s of a 12-hour day, as this bench sent them until 2026-12-07)',
        result: `${formatNumber(spread)} events/s`,
        value: spreadRates,
        unit: 'events/s',
        baseline: {
          name: 'timestamps in order (the row above)',
          value: ingest,
          result: `${formatNumber(ingest)} events/s`,
        },
        ratio: spread / ingest,
        goal: 'reported: what out-of-order timestamps cost',
      });
      rssSpread = server.peakRssMb();
    }
    rssIngest ??= server.peakRssMb();
    const spreadNote =
      rssSpread === undefined ? '' : ` (${formatNumber(rssSpread)} after the out-of-order ingestion too)`;
    figures.push({
      figure: 'peak RSS of the server: after the metrics load / after ingestion too',
      result: `${formatNumber(rssMetrics)} / ${formatNumber(rssIngest)} MB${spreadNote}`,
      value: [rssMetrics, rssIngest],
      unit: 'MB',
      goal: `<= ${RSS_GOAL_MB} MB`,
      met: Math.max(rssMetrics, rssIngest) <= RSS_GOAL_MB,
    });
    figures.push({
      figure: `\`serve\` ready on the existing store (${readies.length} starts)`,
      result: `${formatNumber(ready)} ms`,
      value: readies,
      unit: 'ms',
      goal: `<= ${READY_GOAL_MS} ms`,
      met: ready <= READY_GOAL_MS,
    });

    if (target.backend === 'postgres' && measures('nodes')) {
      log('two nodes over one PostgreSQL');
      const second = await startServer();
      try {
        const urls = [pageUrl, pageUrl.replace(server.url, second.url)];
        const options = { connections: PLAN.connections / 2, seconds: PLAN.loadSeconds };
        const oneNode: LoadRun[] = [];
        const twoNodes: LoadRun[] = [];
        for (let run = 0; run < PLAN.loadRuns; run++) {
          oneNode.push(await loadTogether([pageUrl, pageUrl], headers, options));
          twoNodes.push(await loadTogether(urls, headers, options));
        }
        const generator = loadGenerator();
        const row = throughputFigure({
          figure: `repeated metrics page, one node -> two nodes (${PLAN.connections} connections in all)`,
          runs: twoNodes.map((run) => ({ ...run, generator })),
          baseline: { name: 'one node', runs: oneNode, bare: false },
          goal: 'grows (2 cores shared by both nodes, PostgreSQL and the load)',
          met: (ratio) => ratio > 1,
        });
        figures.push({ ...row, result: `${row.result} with two` });
        const oneIngest: number[] = [];
        const twoIngest: number[] = [];
        for (let run = 0; run < PLAN.ingestRuns; run++) {
          oneIngest.push(
            await ingestOverHttp([server.url], fixture.ingestAppKey, source, PLAN.ingestSeconds),
          );
          twoIngest.push(
            await ingestOverHttp([server.url, second.url], fixture.ingestAppKey, source, PLAN.ingestSeconds),
          );
        }
        figures.push({
          figure: 'ingestion, one node -> two nodes (4 senders in all)',
          result: `${formatNumber(median(twoIngest))} events/s with two`,
          value: twoIngest,
          unit: 'events/s',
          baseline: {
            name: 'one node',
            value: median(oneIngest),
            result: `${formatNumber(median(oneIngest))} events/s`,
          },
          ratio: median(twoIngest) / median(oneIngest),
          goal: `>= ${formatNumber(goals.ingestion)} events/s per node`,
          met: median(oneIngest) >= goals.ingestion,
        });
      } finally {
        await second.stop();
      }
    }
  } finally {
    await server.stop();
    log('removing the ingestion app');
    await removeIngestApp(target);
  }
  return {
    backend: target.backend,
    store: target.name,
    events: fixture.events,
    figures,
    seconds: (performance.now() - backendStarted) / 1000,
  };
}

/** The URL of the page in the middle of the listing (page 26 of 50), by following `next` links. */
async function middlePage(first: string, headers: Record<string, string>): Promise<string> {
  const pages: string[] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    pages.push(next);
    const page: { body: { links: { next?: string } } } = await getJson(next, headers);
    next = page.body.links.next;
  }
  return pages[Math.floor(pages.length / 2)] ?? first;
}

function log(line: string): void {
  process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}
