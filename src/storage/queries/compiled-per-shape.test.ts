import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect, sql } from '../kysely.js';
import type { Database } from '../schema.js';
import { compiledPerShape } from './compiled-per-shape.js';

/**
 * compiledPerShape (compiled-per-shape.ts) on a real SQLite database: each call's values bound where the shape's
 * first build bound them, one build per shape, and a build that binds anything but the input's values built
 * every time. The metrics page that uses it is compared with the reads apart by usage-page.test-suite.ts.
 */

const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
afterAll(() => db.destroy());

type Input = {
  readonly a: string;
  readonly n: number;
  readonly list: readonly string[];
  readonly b?: string;
};

describe('compiledPerShape', () => {
  it("binds each call's values where the first build of its shape bound them, building each shape once", async () => {
    let builds = 0;
    const echo = compiledPerShape((kysely: Kysely<Database>, input: Input) => {
      builds++;
      // `a` twice and the list's items after `n`: places that are not the input's order.
      const items = input.list.map((item) => sql`${item}`);
      const query = sql<{
        text: string;
      }>`select ${input.a} || '|' || cast(${input.n} as integer) || '|' || ${sql.join(items, sql`||','||`)} || '|' || ${input.b ?? 'none'} || '|' || ${input.a} as text`;
      return { compile: () => query.compile(kysely) };
    });
    const text = async (input: Input) => (await echo(db, input))[0]?.text;
    expect(await text({ a: 'x', n: 1, list: ['p', 'q'] })).toBe('x|1|p,q|none|x');
    // 'none' is a value of the build's own: that shape is built every time, and still right.
    expect(builds).toBe(2);
    expect(await text({ a: 'y', n: 2, list: ['r', 's'] })).toBe('y|2|r,s|none|y');
    expect(builds).toBe(3);

    builds = 0;
    expect(await text({ a: 'x', n: 1, list: ['p'], b: 'B' })).toBe('x|1|p|B|x');
    expect(await text({ a: "it's", n: 20, list: ['\u00e9 \u{1f600}'], b: 'C' })).toBe(
      "it's|20|\u00e9 \u{1f600}|C|it's",
    );
    expect(await text({ a: 'z', n: 3, list: ['t'], b: 'D' })).toBe('z|3|t|D|z');
    // One build marks the shape's places; the calls after it bind without building.
    expect(builds).toBe(1);
    // Another shape (two items): built once more.
    expect(await text({ a: 'w', n: 4, list: ['u', 'v'], b: 'E' })).toBe('w|4|u,v|E|w');
    expect(await text({ a: 'k', n: 5, list: ['l', 'm'], b: 'F' })).toBe('k|5|l,m|F|k');
    expect(builds).toBe(2);
  });
});
