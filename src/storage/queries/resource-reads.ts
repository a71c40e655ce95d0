import type { Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import { TESTER_STATE_PROGRESS, TESTER_STATES } from '../../domain/tester-state.js';
import type {
  FilterValue,
  Linkage,
  ResourceCondition,
  ResourceQuery,
  StoredResource,
} from '../resource-reads.js';
import {
  type ComputedAttribute,
  RESOURCE_TABLES,
  type ResourceKind,
  type ResourceTable,
  type StoredAttribute,
  type StoredRelationship,
} from '../resource-tables.js';
import type { Database } from '../schema.js';
import { toCount } from './row-window.js';

/**
 * The generic reads of every resource (storage/resource-reads.ts), written once over the declaration of
 * resource-tables.ts: conditions become nested `IN (SELECT ...)` over each relationship's linking table, so the
 * same SQL runs on SQLite and PostgreSQL. The listed table is always aliased `r`.
 */

type Db = Kysely<Database>;
type Row = Record<string, unknown>;

const ROW = 'r';

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

function where(query: ResourceQuery): RawBuilder<unknown> {
  if (query.conditions.length === 0) return sql`1 = 1`;
  return sql.join(
    query.conditions.map((condition) => conditionSql(query.kind, condition)),
    sql` and `,
  );
}

function conditionSql(kind: ResourceKind, condition: ResourceCondition): RawBuilder<unknown> {
  const id = sql.ref(`${ROW}.id`);
  switch (condition.kind) {
    case 'none':
      return sql`1 = 0`;
    case 'attributePresent': {
      const attribute = RESOURCE_TABLES[kind].attributes[condition.attribute];
      if (attribute === undefined || 'computed' in attribute)
        throw new Error(`cannot ask whether ${condition.attribute} is present`);
      const column = sql.ref(`${ROW}.${attribute.column}`);
      return condition.present ? sql`${column} is not null` : sql`${column} is null`;
    }
    case 'relatedTo': {
      // Resources that `id` (of `source`) links to: the `to` side of its relationship's rows.
      const relationship = relationshipOf(RESOURCE_TABLES[condition.source], condition.relationship);
      return sql`${id} in (select ${sql.ref(`l.${relationship.to}`)} from ${sql.table(relationship.via)} as l
        where ${sql.ref(`l.${relationship.from}`)} = ${condition.id})`;
    }
    case 'exists': {
      const [first, ...rest] = condition.path;
      if (first === undefined) return sql`1 = 1`;
      const reached = idsAlong(kind, [first, ...rest], () => sql`1 = 1`, 1);
      return condition.exists ? sql`${id} in (${reached})` : sql`${id} not in (${reached})`;
    }
    case 'ids':
      if (condition.path.length === 0) return inList(id, condition.ids);
      return sql`${id} in (${idsAlong(kind, condition.path, (targetId) => inList(targetId, condition.ids), 1)})`;
    case 'attribute': {
      if (condition.path.length === 0) {
        return attributeIn(RESOURCE_TABLES[kind], ROW, condition.attribute, condition.values);
      }
      const end = endKind(kind, condition.path);
      const table = RESOURCE_TABLES[end];
      const atEnd = (targetId: RawBuilder<unknown>) =>
        sql`${targetId} in (select ${sql.ref('e.id')} from ${sql.table(table.table)} as e
          where ${attributeIn(table, 'e', condition.attribute, condition.values)})`;
      return sql`${id} in (${idsAlong(kind, condition.path, atEnd, 1)})`;
    }
  }
}

/**
 * The ids of `kind` from which `path` reaches a resource whose id passes `atEnd`: a subquery of the first
 * relationship's rows, nested for each further step.
 */
function idsAlong(
  kind: ResourceKind,
  path: readonly string[],
  atEnd: (targetId: RawBuilder<unknown>) => RawBuilder<unknown>,
  depth: number,
): RawBuilder<unknown> {
  const [name, ...rest] = path;
  if (name === undefined) throw new Error('a path needs a relationship');
  const relationship = relationshipOf(RESOURCE_TABLES[kind], name);
  // One alias per nesting level, so an inner subquery never hides the row an outer one compares with.
  const alias = `p${depth}`;
  const target = sql.ref(`${alias}.${relationship.to}`);
  const further =
    rest.length === 0
      ? atEnd(target)
      : sql`${target} in (${idsAlong(relationship.target, rest, atEnd, depth + 1)})`;
  const source = sql.ref(`${alias}.${relationship.from}`);
  // A row that links nothing (a build with no pre-release version) must not answer NULL: `not in` a list holding
  // NULL is never true, so `exists[...]=false` would keep nothing.
  return sql`select ${source} from ${sql.table(relationship.via)} as ${sql.id(alias)}
    where ${source} is not null and ${target} is not null and ${further}`;
}

function endKind(kind: ResourceKind, path: readonly string[]): ResourceKind {
  return path.reduce<ResourceKind>((at, name) => relationshipOf(RESOURCE_TABLES[at], name).target, kind);
}

function attributeIn(
  table: ResourceTable,
  alias: string,
  name: string,
  values: readonly FilterValue[],
): RawBuilder<unknown> {
  const attribute = table.attributes[name];
  if (attribute === undefined || 'computed' in attribute) throw new Error(`cannot filter on ${name}`);
  const column = sql.ref(`${alias}.${attribute.column}`);
  if (attribute.codec === 'boolean') {
    return inList(
      column,
      values.map((value) => (value === true || value === 'true' ? 1 : 0)),
    );
  }
  if (attribute.caseless !== undefined) {
    return inList(
      sql.ref(`${alias}.${attribute.caseless}`),
      values.map((value) => String(value).toLowerCase()),
    );
  }
  return inList(
    column,
    values.map((value) => String(value)),
  );
}

function inList(expression: RawBuilder<unknown>, values: readonly (string | number)[]): RawBuilder<unknown> {
  if (values.length === 0) return sql`1 = 0`;
  return sql`${expression} in (${sql.join([...values])})`;
}

function relationshipOf(table: ResourceTable, name: string): StoredRelationship {
  const relationship = table.relationships[name];
  if (relationship === undefined) throw new Error(`${table.table} has no relationship ${name}`);
  return relationship;
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
