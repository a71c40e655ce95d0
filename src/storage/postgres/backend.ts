/**
 * The PostgreSQL backend, loaded by open-store.ts only for a PostgreSQL store: `pg` is some 30 CommonJS
 * modules, 100-500 ms of every start of an embedded store on the benchmark's machine.
 */
export { changeListener } from './change-listener.js';
export { openPostgresDatabase } from './connection.js';
export { postgresSpecifics } from './dialect.js';
export { postgresLargeObjects } from './large-objects.js';
export { postgresSnapshotAdmin } from './snapshots.js';
