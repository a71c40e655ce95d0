import { createPrivateKey } from 'node:crypto';
import { type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { AuthenticationError, type AuthFailureReason, type RequestTarget } from './token-verifier.js';

// The claim rules of docs/apple-behavior.md, §5: aud, iss, exp, iat, nbf and scope. The harness clock is fixed at
// WALL and never moves here, so every boundary is exact to the second.

const WALL = '2025-01-15T12:00:00Z';
const NOW = Date.parse(WALL) / 1000;
const METRICS = '/v1/apps/6447306070/metrics/betaTesterUsages';
const TARGET: RequestTarget = { method: 'GET', path: METRICS, query: [['groupBy', 'betaTesters']] };

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ wallTime: WALL });
});
afterAll(() => harness.close());

/** Signs the admin key's team claims with `changes` applied (an undefined value drops the claim). */
function tokenWith(changes: Record<string, unknown>): Promise<string> {
  const claims: JWTPayload = {
    iss: harness.services.apiKeys.issuerId,
    aud: 'appstoreconnect-v1',
    iat: NOW,
    exp: NOW + 600,
    ...changes,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: harness.admin.keyId, typ: 'JWT' })
    .sign(createPrivateKey(harness.admin.privateKeyPem));
}

/** The reason the verifier gives for refusing a token with `changes`, or ACCEPTED. */
async function outcome(
  changes: Record<string, unknown>,
  target: RequestTarget = TARGET,
): Promise<AuthFailureReason | 'ACCEPTED'> {
  try {
    await harness.services.tokens.verify(`Bearer ${await tokenWith(changes)}`, target);
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof AuthenticationError) return error.reason;
    throw error;
  }
}

describe('aud and iss', () => {
  it.each([
    ['another aud', { aud: 'appstoreconnect-v2' }, 'BAD_AUDIENCE'],
    ['no aud', { aud: undefined }, 'BAD_AUDIENCE'],
    ['another issuer id', { iss: '57246542-96fe-1a63-e053-0824d011072a' }, 'BAD_ISSUER'],
    ['no iss on a team key', { iss: undefined }, 'BAD_ISSUER'],
  ])('%s: %s', async (_label, changes, reason) => {
    expect(await outcome(changes)).toBe(reason);
  });

  it('iat is optional, as many real clients omit it', async () => {
    expect(await outcome({ iat: undefined })).toBe('ACCEPTED');
  });
});

describe('exp: required, at most 20 minutes ahead, 60 s of skew', () => {
  it.each([
    ['missing', { exp: undefined }],
    ['not a number', { exp: String(NOW + 600) }],
  ])('%s: EXP_MISSING', async (_label, changes) => {
    expect(await outcome(changes)).toBe('EXP_MISSING');
  });

  it('now + 1260 s (20 min + skew) is accepted; now + 1261 s is EXP_TOO_FAR', async () => {
    expect(await outcome({ iat: undefined, exp: NOW + 1260 })).toBe('ACCEPTED');
    expect(await outcome({ iat: undefined, exp: NOW + 1261 })).toBe('EXP_TOO_FAR');
  });

  it('now - 59 s is accepted (within the skew); now - 61 s is EXPIRED', async () => {
    expect(await outcome({ iat: NOW - 600, exp: NOW - 59 })).toBe('ACCEPTED');
    expect(await outcome({ iat: NOW - 600, exp: NOW - 61 })).toBe('EXPIRED');
  });
});

describe('iat', () => {
  it('now + 59 s is accepted (within the skew); now + 61 s is IAT_IN_FUTURE', async () => {
    expect(await outcome({ iat: NOW + 59, exp: NOW + 600 })).toBe('ACCEPTED');
    expect(await outcome({ iat: NOW + 61, exp: NOW + 600 })).toBe('IAT_IN_FUTURE');
  });

  it('exp - iat = 1200 s is accepted; 1201 s is LIFETIME_TOO_LONG', async () => {
    expect(await outcome({ iat: NOW - 600, exp: NOW + 600 })).toBe('ACCEPTED');
    expect(await outcome({ iat: NOW - 601, exp: NOW + 600 })).toBe('LIFETIME_TOO_LONG');
  });

  it('nbf more than the skew ahead: NOT_YET_VALID', async () => {
    expect(await outcome({ nbf: NOW + 59 })).toBe('ACCEPTED');
    expect(await outcome({ nbf: NOW + 61 })).toBe('NOT_YET_VALID');
  });
});

describe('scope', () => {
  it('an entry matching the request is accepted', async () => {
    const scope = [`GET ${METRICS}?groupBy=betaTesters`];
    expect(await outcome({ scope })).toBe('ACCEPTED');
  });

  it('entries none of which match the request: SCOPE_MISMATCH', async () => {
    const scope = [
      `GET ${METRICS}?filter[betaTesters]=x`,
      'GET /v1/apps',
      `POST ${METRICS}?groupBy=betaTesters`,
    ];
    expect(await outcome({ scope })).toBe('SCOPE_MISMATCH');
  });

  it('the same scope allows one request and refuses another', async () => {
    const scope = ['GET /v1/apps'];
    expect(await outcome({ scope }, { method: 'GET', path: '/v1/apps', query: [] })).toBe('ACCEPTED');
    expect(await outcome({ scope }, { method: 'GET', path: '/v1/betaTesters', query: [] })).toBe(
      'SCOPE_MISMATCH',
    );
  });

  it.each([
    ['a string', `GET ${METRICS}?groupBy=betaTesters`],
    ['an array with a number', [`GET ${METRICS}?groupBy=betaTesters`, 1]],
    ['an object', { GET: METRICS }],
    ['null', null],
  ])('%s: SCOPE_MALFORMED', async (_label, scope) => {
    expect(await outcome({ scope })).toBe('SCOPE_MALFORMED');
  });
});
