import { afterEach, describe, expect, it, vi } from 'vitest';
import { newEventId } from './new-event-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('newEventId', () => {
  it('uses crypto.randomUUID when there is one', () => {
    expect(newEventId({ randomUUID: () => 'from-random-uuid' })).toBe('from-random-uuid');
  });

  it('builds a version 4 UUID from crypto.getRandomValues without randomUUID', () => {
    const fill = (array: Uint8Array) => array.fill(0xff);
    expect(newEventId({ getRandomValues: fill })).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('falls back to Math.random without Web Crypto (React Native)', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newEventId(undefined)));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('uses the global crypto by default', () => {
    vi.stubGlobal('crypto', { randomUUID: () => 'from-global-crypto' });
    expect(newEventId()).toBe('from-global-crypto');
  });
});
