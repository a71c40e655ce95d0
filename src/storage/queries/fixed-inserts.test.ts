import { describe, expect, it } from 'vitest';
import { statementRows, unnested } from './fixed-inserts.js';

describe('statementRows', () => {
  it('takes full statements, then powers of two: few distinct statement texts for any row count', () => {
    const split = (rows: number, per: number) => {
      const counts: number[] = [];
      for (let left = rows; left > 0; left -= counts.at(-1) ?? 0) counts.push(statementRows(left, per));
      return counts;
    };
    expect(split(1000, 64)).toEqual([...Array(15).fill(64), 32, 8]);
    expect(split(63, 64)).toEqual([32, 16, 8, 4, 2, 1]);
    expect(split(1, 64)).toEqual([1]);
    expect(split(600, 256)).toEqual([256, 256, 64, 16, 8]);
    const texts = new Set<number>();
    for (let rows = 1; rows <= 1000; rows++) for (const count of split(rows, 64)) texts.add(count);
    expect([...texts].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});

describe('unnested', () => {
  it("takes a one-row insert's rows from one array per column, typed by the row's values", () => {
    expect(
      unnested('insert into "t" ("a", "n") values ($1, $2) on conflict do nothing returning "a"', {
        a: 'x',
        n: 1,
      }),
    ).toBe(
      'insert into "t" ("a", "n") select * from unnest($1::text[], $2::int8[]) on conflict do nothing returning "a"',
    );
  });

  it('refuses a text without exactly one row of its values', () => {
    expect(() => unnested('insert into "t" ("a") values ($1), ($2)', { a: 'x' })).toThrow(/one row/);
    expect(() => unnested('insert into "t" ("a", "b") values ($1, $2)', { a: 'x' })).toThrow(/one row/);
  });
});
