import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freshUuid, requestIdOf, uuidBatch } from './request-id.js';

/** RFC 9562's version 4 layout, lowercase as `crypto.randomUUID()` writes it. */
const VERSION_4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const requestWith = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('request ids', () => {
  it('are version 4 UUIDs, all different, across the batches they are made in', () => {
    // Three batches and a part: the ids made on either side of a batch's end are as good as the rest.
    const ids = Array.from({ length: 3 * 1024 + 7 }, () => freshUuid());
    for (const id of ids) expect(id).toMatch(VERSION_4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are made from random bits: every hex digit outside the version and variant takes many values', () => {
    const text = uuidBatch(512);
    expect(text).toHaveLength(512 * 36);
    const ids = Array.from({ length: 512 }, (_, index) => text.slice(index * 36, index * 36 + 36));
    for (let position = 0; position < 36; position++) {
      if ([8, 13, 14, 18, 23].includes(position)) continue;
      const seen = new Set(ids.map((id) => id[position]));
      // A digit made of the variant's two free bits takes 4 values; every other one, all 16 of 512 ids.
      expect(seen.size, `position ${position}`).toBe(position === 19 ? 4 : 16);
    }
  });

  it("are the caller's own when sane, and fresh when not", () => {
    expect(requestIdOf(requestWith({ 'x-request-id': 'ci-run-42.step:7' }))).toBe('ci-run-42.step:7');
    for (const insane of ['', 'has space', 'x'.repeat(129), 'line\nbreak']) {
      expect(requestIdOf(requestWith({ 'x-request-id': insane }))).toMatch(VERSION_4);
    }
    expect(requestIdOf(requestWith({}))).toMatch(VERSION_4);
  });
});
