import type { Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import { TESTER_STATE_PROGRESS, TESTER_STATES } from '../../domain/tester-state.js';
import type { Linkage, ResourceQuery, StoredResource } from '../resource-reads.js';
import {
  type ComputedAttribute,
  RESOURCE_TABLES,
  type ResourceKind,
  type ResourceTable,
  type StoredAttribute,
} from '../resource-tables.js';
import type { Database } from '../schema.js';
import { where } from './resource-conditions.js';
import { ROW, relationshipOf } from './resource-sql.js';
import { toCount } from './row-window.js';

/**
 * The generic reads of every resource (storage/resource-reads.ts), written once over the declaration of
 * resource-tables.ts: conditions (resource-conditions.ts) become nested `IN (SELECT ...)` over each
 * relationship's linking table, so the same SQL runs on SQLite and PostgreSQL. The listed table is always
 * aliased `r` (resource-sql.ts).
 */

type Db = Kysely<Database>;
type Row = Record<string, unknown>;

export async function countResources(db: Db, query: ResourceQuery): Promise<number> {
  const table = RESOURCE_TABLES[query.kind];
  const result = await sql<{
    n: unknown;
  }>`select count(*) as n from ${from(table)} where ${where(query)}`.execute(db);
  return toCount(result.rows[0]?.n);
}

export async function listResources(
  db: Db,
  query: ResourceQuery,
  window: { offset: number; limit: number },
): Promise<StoredResource[]> {
  const table = RESOURCE_TABLES[query.kind];
  const order = [
    ...query.sort.flatMap(({ key, descending }) => {
      const value = sortValue(query, key);
      // Absent values last, in both directions and on both backends (SQLite and PostgreSQL disagree by default).
      return [sql`case when ${value} is null then 1 else 0 end`, descending ? sql`${value} desc` : value];
    }),
    sql.ref(`${ROW}.id`),
  ];
  const result = await sql<Row>`select ${selection(query)} from ${from(table)} where ${where(query)}
    order by ${sql.join(order)} limit ${window.limit} offset ${window.offset}`.execute(db);
  return result.rows.map((row) => toResource(table, row));
}

export async function findResources(
  db: Db,
  kind: ResourceKind,
  ids: readonly string[],
): Promise<StoredResource[]> {
  if (ids.length === 0) return [];
  const table = RESOURCE_TABLES[kind];
  const query: ResourceQuery = { kind, conditions: [], sort: [] };
  const result = await sql<Row>`select ${selection(query)} from ${from(table)}
    where ${sql.ref(`${ROW}.id`)} in (${sql.join([...new Set(ids)])}) order by ${sql.ref(`${ROW}.id`)}`.execute(
    db,
  );
  return result.rows.map((row) => toResource(table, row));
}

export async function linkages(
  db: Db,
  kind: ResourceKind,
  relationshipName: string,
  ids: readonly string[],
  limit?: number,
): Promise<Map<string, Linkage>> {
  const found = new Map<string, { ids: string[]; total: number }>();
  if (ids.length === 0) return found;
  const relationship = relationshipOf(RESOURCE_TABLES[kind], relationshipName);
  const unique = [...new Set(ids)];
  for (const id of unique) found.set(id, { ids: [], total: 0 });
  const via = sql.table(relationship.via);
  const fromColumn = sql.ref(`v.${relationship.from}`);
  const toColumn = sql.ref(`v.${relationship.to}`);
  const linked = sql`${fromColumn} in (${sql.join(unique)}) and ${toColumn} is not null`;
  const totals = await sql<{ source: string; n: unknown }>`select ${fromColumn} as source, count(*) as n
    from ${via} as v where ${linked} group by ${fromColumn}`.execute(db);
  for (const row of totals.rows) {
    const entry = found.get(row.source);
    if (entry !== undefined) entry.total = toCount(row.n);
  }
  const links =
    limit === undefined
      ? await sql<{ source: string; target: string }>`select ${fromColumn} as source, ${toColumn} as target
          from ${via} as v where ${linked} order by ${fromColumn}, ${toColumn}`.execute(db)
      : await sql<{ source: string; target: string }>`select source, target from (
          select ${fromColumn} as source, ${toColumn} as target,
            row_number() over (partition by ${fromColumn} order by ${toColumn}) as n
          from ${via} as v where ${linked}) as numbered
          where n <= ${limit} order by source, target`.execute(db);
  for (const row of links.rows) found.get(row.source)?.ids.push(row.target);
  return found;
}

function from(table: ResourceTable): RawBuilder<unknown> {
  return sql`${sql.table(table.table)} as ${sql.id(ROW)}`;
}

function selection(query: ResourceQuery): RawBuilder<unknown> {
  const table = RESOURCE_TABLES[query.kind];
  const columns = Object.entries(table.attributes).map(
    ([name, attribute]) => sql`${attributeValue(query, attribute)} as ${sql.id(name)}`,
  );
  return sql.join([sql`${sql.ref(`${ROW}.id`)} as id`, ...columns]);
}

function attributeValue(
  query: ResourceQuery,
  attribute: StoredAttribute | ComputedAttribute,
): RawBuilder<unknown> {
  if ('computed' in attribute) {
    const rank = testerStateRank(query);
    const names = TESTER_STATES.map(
      (state) => sql`when ${sql.lit(TESTER_STATE_PROGRESS[state])} then ${sql.lit(state)}`,
    );
    return sql`(case ${rank} ${sql.join(names, sql` `)} else 'NOT_INVITED' end)`;
  }
  return sql.ref(`${ROW}.${attribute.column}`);
}

/** How far along a tester is in the apps of the query (all their apps): tester-state.ts's progress. */
function testerStateRank(query: ResourceQuery): RawBuilder<unknown> {
  const ranks = TESTER_STATES.map(
    (state) => sql`when ${sql.lit(state)} then ${sql.lit(TESTER_STATE_PROGRESS[state])}`,
  );
  const inApps =
    query.stateInApps === undefined
      ? sql``
      : query.stateInApps.length === 0
        ? sql` and 1 = 0`
        : sql` and m.app_id in (${sql.join([...query.stateInApps])})`;
  return sql`(select max(case m.state ${sql.join(ranks, sql` `)} end) from app_testers as m
    where m.tester_id = ${sql.ref(`${ROW}.id`)}${inApps})`;
}

function sortValue(query: ResourceQuery, key: string): RawBuilder<unknown> {
  const table = RESOURCE_TABLES[query.kind];
  const attribute = table.attributes[key];
  if (attribute !== undefined) {
    // A tester's state sorts by progress (tester-state.ts), not by its name.
    return 'computed' in attribute
      ? sql`coalesce(${testerStateRank(query)}, 1)`
      : sql.ref(`${ROW}.${attribute.column}`);
  }
  const relationship = relationshipOf(table, key);
  const target = RESOURCE_TABLES[relationship.target];
  const first = Object.values(target.attributes)[0];
  if (first === undefined || 'computed' in first) throw new Error(`cannot sort ${query.kind} by ${key}`);
  // A to-one relationship sorts by its resource's first attribute (a build by its pre-release version's version).
  return sql`(select ${sql.ref(`s.${first.column}`)} from ${sql.table(target.table)} as s
    where ${sql.ref(`s.id`)} = ${sql.ref(`${ROW}.${relationship.to}`)})`;
}

function toResource(table: ResourceTable, row: Row): StoredResource {
  const attributes: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(table.attributes)) {
    attributes[name] = decode(attribute.codec, row[name]);
  }
  return { id: String(row.id), attributes };
}

function decode(codec: StoredAttribute['codec'], value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (codec) {
    case 'text':
      return String(value);
    case 'integer':
      return Number(value);
    case 'boolean':
      return Number(value) !== 0;
    case 'json':
      return JSON.parse(String(value)) as unknown;
  }
}
