import { describe, expect, it } from 'vitest';
import { statementRows } from './fixed-inserts.js';

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
