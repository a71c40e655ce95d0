import type { ResourceTable, StoredRelationship } from '../resource-tables.js';

/**
 * What the generic reads (resource-reads.ts) and their conditions (resource-conditions.ts) both build
 * their SQL with: the alias of the listed table, and a relationship of resource-tables.ts's declaration by
 * its name.
 */

export const ROW = 'r';

export function relationshipOf(table: ResourceTable, name: string): StoredRelationship {
  const relationship = table.relationships[name];
  if (relationship === undefined) throw new Error(`${table.table} has no relationship ${name}`);
  return relationship;
}
