import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSpecifiers, repoPath, resolveRelative } from './import-graph.js';
import { REPO_ROOT } from './package-checks.js';

/**
 * Which test files the vitest project "postgres" runs, derived from the sources rather than listed, so a new test
 * that takes its store from test/support can never run on SQLite alone.
 *
 * A test is store-backed when it reaches test/support/test-database.ts (where `testStoreLocation` switches
 * between SQLite and PostgreSQL on BETA_METRICS_TEST_BACKEND) through its imports of test code: test/support
 * modules, `*.test-suite.ts` and other test files, transitively; production code is not followed. The storage
 * suites written for PostgreSQL alone (src/storage/postgres) run there as well.
 */
export const STORE_SWITCH = 'test/support/test-database.ts';

/** Where the unit project's tests are; the postgres project picks among these and src/storage/postgres. */
const TEST_ROOTS = ['src', 'test/wire', 'test/architecture'];
const POSTGRES_ONLY = 'src/storage/postgres/';

/**
 * Tests that open a store yet do not run on the postgres project, each with the reason: they open the store
 * they test themselves, so BETA_METRICS_TEST_BACKEND changes nothing in them; or what they test happens around
 * the store, never in it (sockets, TLS, request ids, roles, faults, the journal, the ingest client's retries),
 * while the store suites and the API's tests on both backends cover what the store answers. test/architecture
 * checks that every other test that opens a store is selected.
 */
export const NOT_ON_POSTGRES: Readonly<Record<string, string>> = {
  'src/storage/sqlite/sqlite-store.test.ts':
    'the store suite on SQLite; src/storage/postgres/postgres-store.test.ts runs it on PostgreSQL',
  'src/storage/sqlite/sqlite-dashboard-store.test.ts':
    "the dashboard store suite on SQLite; src/storage/postgres/postgres-dashboard-store.test.ts is PostgreSQL's",
  'src/storage/sqlite/sqlite-resource-reads.test.ts':
    "the resource reads suite on SQLite; src/storage/postgres/postgres-resource-reads.test.ts is PostgreSQL's",
  'src/storage/sqlite/sqlite-snapshot-admin-store.test.ts':
    "the snapshot suite on SQLite; src/storage/postgres/postgres-snapshot-admin-store.test.ts is PostgreSQL's",
  'src/storage/sqlite/sqlite-content-store.test.ts':
    "the content store suite on SQLite (files); src/storage/postgres/postgres-content-store.test.ts is PostgreSQL's",
  'src/storage/sqlite/page-cache-size.test.ts':
    "the SQLite connection's page cache (PRAGMA cache_size); PostgreSQL's server keeps its own",
  'src/storage/sqlite/database-unavailable.test.ts':
    "SQLite's own failures (a full disk, a read-only file) on a SQLite file it makes; the PostgreSQL ones are in src/storage/postgres/database-unavailable.test.ts",
  'src/storage/sqlite/data-version-feed.test.ts':
    "SQLite's change feed (PRAGMA data_version) on a SQLite file it makes; src/storage/postgres/postgres-change-listener.test.ts is PostgreSQL's",
  'src/storage/sqlite/ingestion-statements.test.ts':
    "which statements SQLite's connection prepares for ingestion; what ingestion stores is the store suite's, on both backends",
  'src/storage/copy-store.test.ts':
    'copies between a SQLite directory and a PostgreSQL schema it creates itself; the unit project runs it in full',
  'src/storage/copy-store-refusals.test.ts':
    'copies between a SQLite directory and a PostgreSQL schema it creates itself; the unit project runs it in full',
  'src/storage/copy-store-text.test.ts':
    'copies between a SQLite directory and a PostgreSQL schema it creates itself; the unit project runs it in full',
  'src/main/create-app.test.ts':
    'around every route (paths, methods, request ids, content types): no store answer in it',
  'src/http/connections.test.ts': 'socket bounds and timeouts, decided before any route or store is reached',
  'src/http/access-control-limits.test.ts':
    "roles and token limits; the key store's answers are its suite's, on both backends",
  'src/main/tls/https-app.test.ts': 'TLS and https links, around the routes',
  'src/http/faults/fault-header.test.ts': 'faults are answered in front of the routes, without the store',
  'src/http/routes/faults.test.ts': 'fault rules live in the node, not in the store',
  'src/http/journal/journal-hooks.test.ts': "the request journal lives in the node's memory",
  'src/ingest-client/delivery.test.ts':
    "the ingest client's queue and timer; ingestion on both backends is tested by the API's ingestion tests",
  'src/ingest-client/transient-failures.test.ts':
    "the ingest client's retries against answers the server is made to give, not the store's",
  'src/ingest-client/content-failures.test.ts':
    "the ingest client's retries and drops of screenshot uploads; the server's refusals are its route's tests, on both backends; content-delivery.test.ts runs on both",
};

export interface PostgresSelection {
  /** Repository paths of the test files the postgres project runs, sorted. */
  readonly files: readonly string[];
  /** Repository paths of every test file the unit and postgres projects know of, sorted. */
  readonly candidates: readonly string[];
}

const isTestCode = (path: string) =>
  path.startsWith('test/') || path.endsWith('.test.ts') || path.endsWith('.test-suite.ts');

/** Every `*.test.ts` under the test roots, as repository paths. */
export function testFiles(): string[] {
  return TEST_ROOTS.flatMap((root) =>
    readdirSync(join(REPO_ROOT, root), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `${root}/${name.split('\\').join('/')}`),
  ).sort();
}

export function postgresSelection(): PostgresSelection {
  const reaches = new Map<string, boolean>();
  const reachesSwitch = (path: string): boolean => {
    const known = reaches.get(path);
    if (known !== undefined) return known;
    // In progress counts as false: an import cycle adds nothing the other paths do not find.
    reaches.set(path, false);
    const file = join(REPO_ROOT, path);
    const found =
      path === STORE_SWITCH ||
      importSpecifiers(readFileSync(file, 'utf8')).some((specifier) => {
        const target = resolveRelative(file, specifier);
        if (target === undefined || !target.endsWith('.ts')) return false;
        const targetPath = repoPath(target);
        return isTestCode(targetPath) && reachesSwitch(targetPath);
      });
    reaches.set(path, found);
    return found;
  };
  const candidates = testFiles();
  const files = candidates.filter(
    (path) => !(path in NOT_ON_POSTGRES) && (path.startsWith(POSTGRES_ONLY) || reachesSwitch(path)),
  );
  return { files, candidates };
}
