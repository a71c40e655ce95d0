import type { Kysely, Migration } from 'kysely';

/**
 * What an API key may do besides its role: `testing` (1) lets its tokens ask for faults on demand and use the
 * test controls under `/_beta-metrics/` of a server started with `--allow-faults` (README, "Faults on demand").
 * Every key made before this migration is an ordinary key (0).
 */
export function keyCapabilitiesSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('api_keys')
        .addColumn('testing', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
