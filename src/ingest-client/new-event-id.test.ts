import { afterEach, describe, expect, it, vi } from 'vitest';
import { newEventId } from './new-event-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AT = Date.parse('2026-11-24T10:00:00.123Z');
/** The first 48 bits of a version 7 UUID made at AT: its milliseconds since 1970, in hex. */
const AT_HEX = AT.toString(16).padStart(12, '0');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('newEventId', () => {
  it('puts the time in milliseconds first and crypto.randomUUID’s random bits after (RFC 9562, version 7)', () => {
    const id = newEventId({ randomUUID: () => '0b7e6a1c-5f0e-4d8e-9a57-2d5a9c3f1e11' }, AT);
    expect(id).toBe(`${AT_HEX.slice(0, 8)}-${AT_HEX.slice(8)}-7d8e-9a57-2d5a9c3f1e11`);
    expect(id).toMatch(UUID_V7);
  });

  it('builds a version 7 UUID from crypto.getRandomValues without randomUUID', () => {
    const fill = (array: Uint8Array) => array.fill(0xff);
    expect(newEventId({ getRandomValues: fill }, AT)).toBe(
      `${AT_HEX.slice(0, 8)}-${AT_HEX.slice(8)}-7fff-bfff-ffffffffffff`,
    );
  });

  it('falls back to Math.random without Web Crypto (React Native)', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newEventId(undefined, AT)));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('sorts ids made later after those made earlier, as text', () => {
    const earlier = Array.from({ length: 50 }, () => newEventId(undefined, AT));
    const later = Array.from({ length: 50 }, () => newEventId(undefined, AT + 1));
    const sorted = [...later, ...earlier].sort();
    expect(sorted.slice(0, 50).sort()).toEqual([...earlier].sort());
  });

  it('uses the global crypto and the clock by default', () => {
    vi.stubGlobal('crypto', { randomUUID: () => '0b7e6a1c-5f0e-4d8e-9a57-2d5a9c3f1e11' });
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    const time = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
    expect(id.slice(14)).toBe('7d8e-9a57-2d5a9c3f1e11');
  });
});
