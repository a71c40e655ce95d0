import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { pollUntil } from '../../test/support/poll-until.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import {
  AuthenticationError,
  type AuthFailureReason,
  MAX_REMEMBERED_TOKEN_LENGTH,
  type RequestTarget,
} from './token-verifier.js';

// A token that verified once is remembered so its next requests skip the signature (token-verifier.ts). Each
// test verifies a token, then changes what the remembered verification must not hide: the same rules decide.

const WALL = '2025-01-15T12:00:00Z';
const TARGET: RequestTarget = { method: 'GET', path: '/v1/apps', query: [] };

let harness: Harness;
/** A second handle on the same store: another process or node. */
let otherNode: Store;
beforeAll(async () => {
  harness = await createHarness({ wallTime: WALL });
  otherNode = await openStore(harness.location.location);
});
afterAll(async () => {
  await otherNode.close();
  await harness.close();
});

async function outcome(token: string, target = TARGET): Promise<AuthFailureReason | 'ACCEPTED'> {
  try {
    await harness.services.tokens.verify(`Bearer ${token}`, target);
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof AuthenticationError) return error.reason;
    throw error;
  }
}

describe('a remembered token', () => {
  it('is refused within one second once another node revokes its key', async () => {
    const key = await harness.createKey('DEVELOPER');
    const token = await harness.token(key);
    expect(await outcome(token)).toBe('ACCEPTED');
    expect(await outcome(token)).toBe('ACCEPTED');
    expect(await otherNode.revokeApiKey(key.keyId, new Date(WALL).toISOString())).toBe(true);
    // The key is kept by this node's read cache until the store tells of the change (storage/read-caches.ts).
    const seen = await pollUntil(
      () => outcome(token),
      (reason) => reason === 'REVOKED_KEY',
      1000,
    );
    expect(seen).toMatchObject({ value: 'REVOKED_KEY', met: true });
  });

  it('is refused at once when this node revokes its key', async () => {
    const key = await harness.createKey('DEVELOPER');
    const token = await harness.token(key);
    expect(await outcome(token)).toBe('ACCEPTED');
    expect(await outcome(token)).toBe('ACCEPTED');
    await harness.services.apiKeys.revoke(key.keyId);
    expect(await outcome(token)).toBe('REVOKED_KEY');
  });

  it('is refused once it expires, with the reason the whole verification gives', async () => {
    harness.clock.set(WALL);
    const token = await harness.token(harness.admin, { ttlSeconds: 600 });
    expect(await outcome(token)).toBe('ACCEPTED');
    harness.clock.advance(590_000);
    expect(await outcome(token)).toBe('ACCEPTED');
    harness.clock.advance(70_000);
    expect(await outcome(token)).toBe('EXPIRED');
    harness.clock.set(WALL);
  });

  it('is refused when the clock goes back before it was issued', async () => {
    harness.clock.set(WALL);
    const token = await harness.token(harness.admin, { ttlSeconds: 600 });
    expect(await outcome(token)).toBe('ACCEPTED');
    harness.clock.advance(-120_000);
    expect(await outcome(token)).toBe('IAT_IN_FUTURE');
    harness.clock.set(WALL);
  });

  it('has its scope checked against every request', async () => {
    harness.clock.set(WALL);
    const token = await harness.token(harness.admin, { scope: ['GET /v1/apps'] });
    expect(await outcome(token)).toBe('ACCEPTED');
    expect(await outcome(token, { method: 'GET', path: '/v1/betaTesters', query: [] })).toBe(
      'SCOPE_MISMATCH',
    );
    expect(await outcome(token)).toBe('ACCEPTED');
  });

  it('answers the role of its key as the store has it', async () => {
    harness.clock.set(WALL);
    const key = await harness.createKey('SALES');
    const token = await harness.token(key);
    await harness.services.tokens.verify(`Bearer ${token}`, TARGET);
    await expect(harness.services.tokens.verify(`Bearer ${token}`, TARGET)).resolves.toEqual({
      keyId: key.keyId,
      role: 'SALES',
      kind: 'TEAM',
      testing: false,
    });
  });
});

describe('what is remembered', () => {
  it('is bounded by bytes: a token longer than MAX_REMEMBERED_TOKEN_LENGTH is verified every time instead', async () => {
    harness.clock.set(WALL);
    const before = harness.services.tokens.remembered().tokens;
    // A scope of many entries makes a valid token of about 12 KiB, under the 16 KiB header limit.
    const scope = Array.from({ length: 400 }, (_, i) => `GET /v1/apps/${1_000_000_000 + i}`);
    const long = await harness.token(harness.admin, { scope: ['GET /v1/apps', ...scope] });
    expect(long.length).toBeGreaterThan(MAX_REMEMBERED_TOKEN_LENGTH);
    expect(await outcome(long)).toBe('ACCEPTED');
    expect(await outcome(long)).toBe('ACCEPTED');
    expect(harness.services.tokens.remembered().tokens).toBe(before);
    const short = await harness.token(harness.admin, { ttlSeconds: 300 });
    expect(await outcome(short)).toBe('ACCEPTED');
    expect(harness.services.tokens.remembered()).toMatchObject({ tokens: before + 1 });
  });
});

describe('the header of a remembered token', () => {
  it('is read by the same rules however it is spelled, and a remembered token in a longer header is not found', async () => {
    harness.clock.set(WALL);
    const token = await harness.token(harness.admin, { ttlSeconds: 600 });
    const verify = (authorization: string) =>
      harness.services.tokens.verify(authorization, TARGET).then(
        () => 'ACCEPTED',
        (error: unknown) => (error instanceof AuthenticationError ? error.reason : error),
      );
    expect(await verify(`Bearer ${token}`)).toBe('ACCEPTED');
    for (const spelled of [`bearer ${token}`, `BEARER  ${token}`, `Bearer ${token}  `]) {
      expect(await verify(spelled)).toBe('ACCEPTED');
    }
    // Remembered as `token`; these headers hold more than it, and are refused as they always were.
    expect(await verify(`Bearer ${token}x`)).toBe('BAD_SIGNATURE');
    expect(await verify(`Bearer ${token} x`)).toBe('MISSING_TOKEN');
    expect(await verify(`Bearer  ${token}.`)).toBe('MALFORMED_TOKEN');
  });
});

describe('a remembered token checked from what the store keeps (verifyKept)', () => {
  const kept = () => {
    const reads = harness.store.keptReads();
    if (reads === undefined) throw new Error('the store keeps nothing');
    return reads;
  };

  it("gives verify's key while every rule holds, and nothing once one fails, the same header asked again", async () => {
    harness.clock.set(WALL);
    const [first, second] = [await harness.createKey('DEVELOPER'), await harness.createKey('ADMIN')];
    const headers = [`Bearer ${await harness.token(first)}`, `Bearer ${await harness.token(second)}`];
    // Every commit so far heard first: on PostgreSQL the notice of a key's creation could otherwise arrive after
    // verify kept the key, and forget it (seen once with other suites loading the machine). Caught up tells
    // what was acknowledged: the writes' lag waited out first (storage/change-feed.ts).
    await harness.store.writesSeenEverywhere();
    await expect.poll(() => kept().caughtUp(), { timeout: 5_000 }).toBe(true);
    // Not yet remembered: verify decides.
    expect(harness.services.tokens.verifyKept(headers[0], kept())).toBeUndefined();
    const verified = [];
    for (const header of headers) verified.push(await harness.services.tokens.verify(header, TARGET));
    // Each header gives its own key, however they alternate.
    for (const n of [0, 1, 1, 0, 0, 1]) {
      expect(harness.services.tokens.verifyKept(headers[n], kept())).toEqual(verified[n]);
    }
    expect(harness.services.tokens.verifyKept('Bearer not.a.token', kept())).toBeUndefined();
    expect(harness.services.tokens.verifyKept(undefined, kept())).toBeUndefined();

    // Revoked on this node: its key is no longer kept, and verify refuses it.
    await harness.services.apiKeys.revoke(first.keyId);
    // The revocation's own notice heard too (PostgreSQL): arriving while the second key is read again below, it
    // would stop that read from keeping the key (a read keeps its row only if nothing was forgotten meanwhile:
    // storage/read-cache.ts), and the second header would be left to verify (failed once in CI).
    await harness.store.writesSeenEverywhere();
    await expect.poll(() => kept().caughtUp(), { timeout: 5_000 }).toBe(true);
    expect(harness.services.tokens.verifyKept(headers[0], kept())).toBeUndefined();
    expect(await outcome((headers[0] as string).slice('Bearer '.length))).toBe('REVOKED_KEY');
    // A key kept as revoked, or kept with another public key under the same id, is refused from memory too.
    const revoked = await harness.store.findApiKey(first.keyId);
    expect(revoked?.revokedAt).not.toBeNull();
    expect(harness.services.tokens.verifyKept(headers[0], { apiKey: () => revoked })).toBeUndefined();
    const secondKey = await harness.store.findApiKey(second.keyId);
    if (secondKey === undefined) throw new Error('the second key is gone');
    const replaced = { ...secondKey, publicKey: `${secondKey.publicKey}\n` };
    expect(harness.services.tokens.verifyKept(headers[1], { apiKey: () => replaced })).toBeUndefined();

    // Past the token's validity, the same header again is left to verify, which names the reason.
    expect(harness.services.tokens.verifyKept(headers[1], kept())).toEqual(verified[1]);
    harness.clock.advance(21 * 60_000);
    expect(harness.services.tokens.verifyKept(headers[1], kept())).toBeUndefined();
    expect(await outcome((headers[1] as string).slice('Bearer '.length))).toBe('EXPIRED');
    harness.clock.set(WALL);
  });

  it('leaves a token with a scope to verify, which checks it against the request', async () => {
    harness.clock.set(WALL);
    const key = await harness.createKey('DEVELOPER');
    const header = `Bearer ${await harness.token(key, { scope: ['GET /v1/apps'] })}`;
    expect(await harness.services.tokens.verify(header, TARGET)).toMatchObject({ keyId: key.keyId });
    expect(harness.services.tokens.verifyKept(header, kept())).toBeUndefined();
  });
});
