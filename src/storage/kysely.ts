import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

/**
 * Kysely's values, from its CommonJS build. `import ... from 'kysely'` loads its ES module build, 263 files
 * that Node 20's ES module loader reads and links one by one: 250-550 ms of every `serve` start on the
 * benchmark's machine, against about 100 ms for `require` of the same code, one file each too but through the
 * synchronous loader. Every value of Kysely the server uses comes from here, so only the one build is loaded
 * (test/architecture/startup-imports.test.ts); types come from 'kysely' with `import type`. Kysely tells its
 * own objects apart by their shape, not by class, so a test's `sql` from the other build works with these.
 * In the bundle `serve` runs (scripts/bundle.mjs, docs/architecture.md, "Start-up") this module's text is
 * replaced by a re-export of its `export const` names from 'kysely', whose used parts are then inlined.
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const sql: typeof KyselyModule.sql = kysely.sql;
export const Kysely: typeof KyselyModule.Kysely = kysely.Kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
export const CompiledQuery: typeof KyselyModule.CompiledQuery = kysely.CompiledQuery;
export type CompiledQuery<O = unknown> = KyselyModule.CompiledQuery<O>;
export const Migrator: typeof KyselyModule.Migrator = kysely.Migrator;
export type Migrator = KyselyModule.Migrator;
export const PostgresDialect: typeof KyselyModule.PostgresDialect = kysely.PostgresDialect;
export const SqliteDialect: typeof KyselyModule.SqliteDialect = kysely.SqliteDialect;
