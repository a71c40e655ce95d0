import type { Migration } from 'kysely';
import { initialSchema } from './0001-initial.js';
import { ingestionSchema } from './0002-ingestion.js';

/** Every migration, by name; Kysely runs them in name order and records which ran. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initialSchema,
  '0002-ingestion': ingestionSchema,
};
