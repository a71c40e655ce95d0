import type { Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';
import { initialSchema } from './0001-initial.js';
import { ingestionSchema } from './0002-ingestion.js';
import { rateLimitSchema } from './0003-rate-limits.js';

/**
 * Every migration, by name, written once for all backends; each backend supplies its column types. Kysely runs
 * them in name order and records which ran.
 */
export function migrations(types: ColumnTypes): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(types),
    '0002-ingestion': ingestionSchema(types),
    '0003-rate-limits': rateLimitSchema(types),
  };
}
