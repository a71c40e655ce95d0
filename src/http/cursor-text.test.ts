import { describe, expect, it } from 'vitest';
import { cursorTag, tagsEqual } from '../services/cursor-token.js';
import { cursorScope } from './cursor-scopes.js';
import { formatCursor, parseCursor } from './cursor-text.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');

describe('cursors', () => {
  it("have the live service's shape: base64url position, a dot, a 4-byte tag (the page's BQ.TGQPUQ)", () => {
    const parsed = parseCursor('BQ.TGQPUQ');
    expect(parsed?.position).toBe(5);
    expect(parsed?.tag).toEqual(Buffer.from([0x4c, 0x64, 0x0f, 0x51]));
    expect(formatCursor({ position: 5, tag: Buffer.from([0x4c, 0x64, 0x0f, 0x51]) })).toBe('BQ.TGQPUQ');
  });

  it('round-trip positions of every size', () => {
    for (const position of [1, 200, 255, 256, 65_535, 65_536, 1_000_000, 2 ** 40]) {
      const text = formatCursor({ position, tag: Buffer.from([1, 2, 3, 4]) });
      expect(parseCursor(text)?.position).toBe(position);
    }
  });

  it('reject anything formatCursor would not write', () => {
    for (const text of [
      '',
      'BQ',
      'BQ.',
      '.TGQPUQ',
      'BQ.TGQPUQ.x',
      'BQ==.TGQPUQ',
      'BQ.TGQPUR',
      'AAU.TGQPUQ',
      'AA.TGQPUQ',
      'BQ.TGQP',
      'BQ.TGQPUQAA',
      'B+.TGQPUQ',
      'BQ TGQPUQ',
    ]) {
      expect(parseCursor(text), text).toBeUndefined();
    }
  });

  it('bind the tag to the key, the scope, the position and the last id served', () => {
    const scope = cursorScope('/v1/apps/1/metrics/betaTesterUsages', {
      groupBy: 'betaTesters',
      period: 'P365D',
    });
    const tag = cursorTag(KEY, scope, 5, 'tester-5');
    expect(tag).toHaveLength(4);
    expect(tagsEqual(tag, cursorTag(KEY, scope, 5, 'tester-5'))).toBe(true);
    const others = [
      cursorTag(Buffer.from('another key, just as long as key'), scope, 5, 'tester-5'),
      cursorTag(
        KEY,
        cursorScope('/v1/apps/2/metrics/betaTesterUsages', { groupBy: 'betaTesters', period: 'P365D' }),
        5,
        'tester-5',
      ),
      cursorTag(
        KEY,
        cursorScope('/v1/apps/1/metrics/betaTesterUsages', { groupBy: 'betaTesters', period: 'P7D' }),
        5,
        'tester-5',
      ),
      cursorTag(KEY, scope, 6, 'tester-5'),
      cursorTag(KEY, scope, 5, 'tester-6'),
    ];
    for (const other of others) expect(tagsEqual(tag, other)).toBe(false);
  });

  it('name scopes by sorted parameters, so the order the client used does not matter', () => {
    expect(cursorScope('/p', { b: '2', a: '1' })).toBe(cursorScope('/p', { a: '1', b: '2' }));
    expect(cursorScope('/p', { a: '1' })).toBe('/p?a=1');
  });
});
