import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * A beta group's name is unique within its app without regard to case, as in App Store Connect: `name_key`
 * is the name lowercased by the store's code (queries/beta-groups.ts nameKey, as `beta_testers.email_key`), so
 * both backends fold case alike, and a unique index holds it per app. Groups made before that may share a
 * name: the oldest of each name keeps it as its key, the others get none (NULL, which the index lets repeat)
 * until they are renamed, so no existing store fails to migrate and no name is changed.
 */
export function betaGroupNamesSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('beta_groups').addColumn('name_key', types.text).execute();
      const groups = await sql<{ id: string; app_id: string; name: string }>`
        select id, app_id, name from beta_groups order by app_id, created_at, id
      `.execute(db);
      const taken = new Set<string>();
      for (const group of groups.rows) {
        const key = group.name.toLowerCase();
        if (taken.has(`${group.app_id}\u0000${key}`)) continue;
        taken.add(`${group.app_id}\u0000${key}`);
        await sql`update beta_groups set name_key = ${key} where id = ${group.id}`.execute(db);
      }
      await db.schema
        .createIndex('beta_groups_app_name')
        .on('beta_groups')
        .columns(['app_id', 'name_key'])
        .unique()
        .execute();
    },
  };
}
