import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_ERRORS } from '../../src/http/error-response.js';
import { createIngestHarness, type IngestHarness, postEvents, usageEvent } from '../support/ingest.js';
import { validateSchema } from '../support/openapi-validator.js';

/**
 * Property-based: generated paths, query strings, headers, tokens, JSON and NDJSON bodies thrown at the app in
 * process, on the store of the project (SQLite, and PostgreSQL in the "postgres" project). Whatever arrives:
 * no 5xx, every error in Apple's ErrorResponse shape (the spec's schema), answers under a size bound, and a
 * refused batch leaves the store as it was. Runs are seeded so a failure is reproducible: fast-check prints
 * the seed and the shrunk case. BETA_METRICS_FUZZ_RUNS raises the number of cases per property.
 */

const RUNS = Number(process.env.BETA_METRICS_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.BETA_METRICS_FUZZ_SEED ?? 20_261_204);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true } as const;
/** No answer to a request below is larger: a page of 200 testers is about 100 KB, an error list far less. */
const MAX_ANSWER_BYTES = 256 * 1024;

let harness: IngestHarness;
let token: string;
beforeAll(async () => {
  harness = await createIngestHarness();
  token = await harness.token();
});
afterAll(() => harness.close());

/** Cases that ran, per property, for the report at the end. */
const ran: Record<string, number> = {};
afterAll(() => {
  console.log(`fuzz cases run (seed ${SEED}): ${JSON.stringify(ran)}`);
});
const count = (name: string) => {
  ran[name] = (ran[name] ?? 0) + 1;
};

/** The invariants of every answer. */
function expectSane(response: LightMyRequestResponse, url = ''): void {
  expect(response.statusCode, response.body.slice(0, 500)).toBeLessThan(500);
  expect(response.rawPayload.length).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
  // The dashboard answers its errors as HTML pages for people (docs/errors.md covers the API's).
  if (response.statusCode >= 400 && response.headers['content-type'] === 'text/html; charset=utf-8') {
    expect(url).toContain('dashboard');
  } else if (response.statusCode >= 400) {
    expect(response.headers['content-type']).toBe('application/json');
    const body = response.json<{ errors: unknown[] }>();
    expect(validateSchema('ErrorResponse', body)).toEqual([]);
    expect(body.errors.length).toBeGreaterThan(0);
    expect(body.errors.length).toBeLessThanOrEqual(MAX_LISTED_ERRORS + 1);
  }
}

// Text that stresses decoders and stores: any code unit (NUL, lone surrogates, controls, bidi), and the
// characters that mean something in URLs, JSON pointers and SQL.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    '\udfff',
    '%',
    '%00',
    '%zz',
    '..',
    '/',
    "'",
    '"',
    '\\',
    '*',
    '\u202e',
  ),
);
const pathSegment = fc.oneof(
  fc.constantFrom(
    'v1',
    'apps',
    'betaTesters',
    'metrics',
    'betaTesterUsages',
    '6447306070',
    'ingest',
    'dashboard',
    'healthz',
    '..',
    '.',
    '',
    '%2F',
    '%00',
    '%zz',
    '%E2%80%AE',
  ),
  // Percent-encoded UTF-8 (lone surrogates become U+FFFD), and bytes that are not UTF-8 at all.
  anyText.map((text) =>
    [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
  ),
  fc.constantFrom('%FF', '%C0%80', '%ED%A0%80', '%F4%90%80%80'),
  // Printable ASCII as sent: a backslash would make the injector's URL parser read `//host`, which no HTTP
  // request line can say (the parser's own errors are tested on a socket, test/e2e).
  fc.string({ maxLength: 12 }).filter((text) => /^[\x21-\x7e]*$/.test(text) && !/[\\#?]/.test(text)),
);
const KNOWN_PARAMS = [
  'period',
  'groupBy',
  'filter[betaTesters]',
  'filter[apps]',
  'filter[email]',
  'limit',
  'cursor',
  'fields[apps]',
  'fields[betaTesters]',
  'include',
  'sort',
];
const queryPair = fc.tuple(fc.oneof(fc.constantFrom(...KNOWN_PARAMS), anyText), anyText);
const rawQuery = fc.oneof(
  fc.array(queryPair, { maxLength: 12 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ maxLength: 200 }).map((text) => text.replaceAll('#', '')),
);
const READ_PATHS = [
  '/v1/apps',
  '/v1/apps/6447306070',
  '/v1/betaTesters',
  '/v1/apps/100/metrics/betaTesterUsages',
  '/v1/apps/100',
  '/ingest/v1/stats',
];

describe('GET with a valid token', () => {
  it('answers any generated path without a 5xx, in Apple shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathSegment, { minLength: 1, maxLength: 6 }),
        rawQuery,
        async (segments, query) => {
          count('paths');
          const url = `/${segments.join('/')}${query === '' ? '' : `?${query}`}`;
          const response = await harness.app.inject({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${token}` },
          });
          expectSane(response, url);
        },
      ),
      params,
    );
  });

  it('answers any generated query string on every read path without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READ_PATHS), rawQuery, async (path, query) => {
        count('queries');
        const response = await harness.app.inject({
          method: 'GET',
          url: `${path}?${query}`,
          headers: { authorization: `Bearer ${token}` },
        });
        expectSane(response);
      }),
      params,
    );
  });
});

describe('headers and tokens', () => {
  const headerValue = fc.string({ maxLength: 80 }).filter((text) => /^[\t\x20-\x7e]*$/.test(text));
  const base64url = (text: string) => Buffer.from(text).toString('base64url');
  const jwtLike = fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
    .map(([header, payload, signature]) =>
      [base64url(JSON.stringify(header)), base64url(JSON.stringify(payload)), base64url(signature)].join('.'),
    );
  const headerObject = fc.record({
    alg: fc.constantFrom('ES256', 'none', 'HS256', 'RS256'),
    // Generated while the properties run, after the harness exists.
    kid: fc.oneof(
      fc.constant(null).map(() => harness.admin.keyId),
      headerValue,
    ),
    typ: fc.constantFrom('JWT', 'jwt', 'JOSE'),
  });
  /** A real token with one of its three parts replaced or altered. */
  const alteredToken = fc
    .tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.oneof(
        headerObject.map((h) => JSON.stringify(h)),
        headerValue,
      ),
    )
    .map(([part, replacement]) => {
      const parts = token.split('.');
      parts[part] = base64url(replacement);
      return parts.join('.');
    });
  const authorization = fc.oneof(
    headerValue,
    jwtLike.map((jwt) => `Bearer ${jwt}`),
    alteredToken.map((jwt) => `Bearer ${jwt}`),
    fc.constantFrom('Bearer', 'Bearer ', 'bearer  x.y.z', `Basic ${base64url('a:b')}`),
    fc.constant(null).map(() => `Bearer ${token}x`),
  );

  it('answers any Authorization and other headers without a 5xx, in Apple shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...READ_PATHS),
        authorization,
        fc.dictionary(
          fc.constantFrom(
            'x-request-id',
            'accept',
            'content-type',
            'accept-encoding',
            'if-none-match',
            'range',
          ),
          headerValue,
          { maxKeys: 4 },
        ),
        async (path, auth, extra) => {
          count('headers');
          const response = await harness.app.inject({
            method: 'GET',
            url: path,
            headers: { ...extra, authorization: auth },
          });
          expectSane(response);
          // Nothing the client sent as a token comes back in the answer.
          const sent = auth.replace(/^Bearer\s+/i, '');
          if (sent.length > 16) expect(response.body).not.toContain(sent);
        },
      ),
      params,
    );
  });
});

describe('ingestion bodies', () => {
  /** What the store holds for app 100, to show a refused batch changed nothing. */
  async function storeState() {
    const events = await harness.store.listUsageEvents('100', undefined, 100_000);
    const stats = (await harness.services.ingestion.stats()).find((app) => app.appId === '100');
    return { events: events.length, accepted: stats?.accepted ?? 0 };
  }

  const fieldValue = fc.oneof(
    anyText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom('session', 'crash', 'install', 'feedback', '100', 't1', '2023-10-05T10:00:00Z'),
  );
  const event = fc.oneof(
    // Mostly valid events with one or two fields generated.
    fc
      .tuple(
        fc.uuid(),
        fc.dictionary(
          fc.constantFrom(
            'id',
            'type',
            'appId',
            'testerId',
            'timestamp',
            'build',
            'platform',
            'device',
            'osVersion',
          ),
          fieldValue,
          { maxKeys: 2 },
        ),
      )
      .map(([id, over]) => usageEvent(id, over)),
    fc.dictionary(anyText, fieldValue, { maxKeys: 5 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  let batchNumber = 0;

  it('takes or refuses any JSON batch whole: no 5xx, Apple shape, nothing stored when refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(event, { maxLength: 8 }).map((events) => ({ events })),
          fc.record({ events: fc.array(event, { maxLength: 4 }), sentAt: fieldValue }),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (body) => {
          count('json-batches');
          const before = await storeState();
          const response = await postEvents(harness, JSON.stringify(body), {
            headers: { 'x-request-id': `fuzz-${batchNumber++}` },
          });
          expectSane(response);
          const after = await storeState();
          if (response.statusCode !== 200) expect(after).toEqual(before);
          else {
            const { accepted } = response.json<{ accepted: number }>();
            expect(after.accepted - before.accepted).toBe(accepted);
            expect(after.events - before.events).toBe(accepted);
          }
        },
      ),
      params,
    );
  });

  it('answers valid batches with one hostile text field the same way on every store: 200, or 400 naming it', async () => {
    const TEXT_FIELDS = ['id', 'testerId', 'build', 'platform', 'device', 'osVersion'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uuid(), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...TEXT_FIELDS),
        anyText,
        async (ids, which, field, text) => {
          count('hostile-text');
          const events = [...new Set(ids)].map((id) => usageEvent(id, { build: '412' }));
          const index = which % events.length;
          events[index] = { ...events[index], [field]: text };
          const before = await storeState();
          const response = await postEvents(harness, { events });
          expectSane(response);
          if (response.statusCode === 200) {
            count('hostile-text accepted');
            return;
          }
          expect(response.statusCode).toBe(400);
          const pointers = response
            .json<{ errors: Array<{ source?: { pointer?: string } }> }>()
            .errors.map((error) => error.source?.pointer);
          expect(pointers).toContain(`/events/${index}/${field}`);
          expect(await storeState()).toEqual(before);
        },
      ),
      params,
    );
  });

  it('takes or refuses any NDJSON body whole, gzip or not', async () => {
    const line = fc.oneof(
      event.map((value) => JSON.stringify(value) ?? 'null'),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('', ' ', '{', '[]', '\r', '\u0000'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 10 }),
        fc.constantFrom('\n', '\r\n'),
        async (lines, separator) => {
          count('ndjson-batches');
          const before = await storeState();
          const response = await postEvents(harness, lines.join(separator), {
            headers: { 'content-type': 'application/x-ndjson' },
          });
          expectSane(response);
          if (response.statusCode !== 200) expect(await storeState()).toEqual(before);
        },
      ),
      params,
    );
  });

  it('answers any bytes under any content type and encoding without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'text/plain',
          'application/octet-stream',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
        ),
        fc.constantFrom(undefined, 'gzip', 'br', 'identity', 'gzip, gzip'),
        async (bytes, contentType, encoding) => {
          count('raw-bodies');
          const before = await storeState();
          const response = await postEvents(harness, Buffer.from(bytes), {
            headers: {
              'content-type': contentType,
              ...(encoding !== undefined && { 'content-encoding': encoding }),
            },
          });
          expectSane(response);
          expect(await storeState()).toEqual(before);
        },
      ),
      params,
    );
  });
});
