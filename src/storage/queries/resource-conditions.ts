import type { RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { FilterValue, ResourceCondition, ResourceQuery } from '../resource-reads.js';
import { RESOURCE_TABLES, type ResourceKind, type ResourceTable } from '../resource-tables.js';
import { ROW, relationshipOf } from './resource-sql.js';

/**
 * The conditions of the generic reads (resource-reads.ts), as the SQL of their `where`: each a nested
 * `IN (SELECT ...)` over the linking tables of its path's relationships, so the same SQL runs on SQLite and
 * PostgreSQL.
 */

export function where(query: ResourceQuery): RawBuilder<unknown> {
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
  // A row that links nothing (a build with no pre-release version) must not answer NULL: `not in` a list
  // holding NULL is never true, so `exists[...]=false` would keep nothing.
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
