import type pg from 'pg';
import { ownSession } from './own-session.js';

/**
 * Named statements for what Kysely runs on PostgreSQL (docs/architecture.md, "Prepared statements on
 * PostgreSQL"). node-postgres sends a statement with values as an unnamed one: PostgreSQL parses and analyses its
 * text again at every run. Named, a connection does that once per text. Each run is still planned for its values
 * (plan_cache_mode force_custom_plan, set on each connection): the generic plan PostgreSQL otherwise keeps after
 * five runs cost the bench's walk through 50 report pages about a fifth more of the database's CPU than plans
 * made for the values (BENCHMARKS.md, "What made the difference"), and a plan made without the values can be far
 * off for an app much larger or smaller than the others.
 *
 * Bounded: a pool names at most MAX_NAMED texts, the first it runs with values; any other runs unnamed as
 * before, so no client can make a connection hold more prepared statements than that. Statements without values
 * stay on the simple protocol (a migration's text may hold several statements, which a named one cannot).
 *
 * Not named: a text that expands a table's row (`select *`, `"t".*`, `returning *`). PostgreSQL refuses to run
 * a prepared statement whose columns changed since it was prepared ("cached plan must not change result type",
 * 0A000), which a column added by a newer node's migration would do to a node still running. Any other change of
 * a named statement's columns (a column's type changed under it) fails it once on each connection that prepared
 * it; that connection then runs the text unnamed.
 */
export const MAX_NAMED = 256;

/** `*` as a row's columns, not as a product; `select * from unnest(...)` has the arrays' columns, not a table's. */
const ROW_EXPANSION = /(?:\bselect|\breturning|,)\s+\*(?!\s+from\s+unnest\()|"\.\*/i;

/** The names of one pool's statements: the same text has the same name on every connection of the pool. */
export class StatementNames {
  readonly #names = new Map<string, string>();

  /** The name of `text`, or undefined once the pool has named MAX_NAMED others or the text expands a row. */
  nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= MAX_NAMED || ROW_EXPANSION.test(text)) return known;
    const name = `beta_metrics_${this.#names.size}`;
    this.#names.set(text, name);
    return name;
  }
}

type Query = (text: unknown, values?: unknown) => Promise<unknown>;
const naming = new WeakSet<object>();

/** PostgreSQL's refusal to run a prepared statement whose columns changed since it was prepared. */
function changedColumns(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '0A000';
}

/**
 * Makes `client.query(text, values)` run its text as a named statement, planned for its values. Done once per
 * client, at the cost of two round trips the first time. Not behind a pooler that moves sessions between
 * clients (PgBouncer in transaction mode): a statement prepared in one server session would be missing from the
 * next; the client then runs every statement unnamed, as before.
 */
export async function nameStatements<Client extends pg.PoolClient>(
  client: Client,
  names: StatementNames,
): Promise<Client> {
  if (naming.has(client)) return client;
  const own = await ownSession(client);
  if (own) await client.query('set plan_cache_mode = force_custom_plan');
  naming.add(client);
  if (!own) return client;
  const query = (client.query as Query).bind(client);
  // Texts whose prepared statement PostgreSQL refused on this connection (changedColumns).
  const refused = new Set<string>();
  (client as { query: Query }).query = (text, values) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || refused.has(text)) {
      return query(text, values);
    }
    const name = names.nameOf(text);
    if (name === undefined) return query(text, values);
    return query({ name, text, values }).catch((error: unknown) => {
      if (changedColumns(error)) refused.add(text);
      throw error;
    });
  };
  return client;
}
