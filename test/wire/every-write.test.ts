import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specWrites } from '../../src/http/resources/spec-writes.js';
import { createHarness, type Harness } from '../support/harness.js';
import { createOpenApiValidator, type HttpMethod } from '../support/openapi-validator.js';
import { seedTestflightFixture } from '../support/testflight-fixture.js';

/**
 * Every write of the TestFlight slice (spec/asc-openapi-4.4.1-testflight.json) against the fixture of
 * test/support/testflight-fixture.ts, on one server, in an order where no case undoes another's ground: each
 * answers the status the spec declares for success with a body valid against the spec, and its effect is read
 * back through the API. Before each success, the same operation is refused in Apple's order of checks: an
 * unknown id (404), a key whose role may not write (403), a body of the wrong type (409); each refusal's body is
 * a valid ErrorResponse.
 */

const SPEC_WRITES = 25;
const validator = createOpenApiValidator();

interface WriteCase {
  /** The `{id}` of the path; absent for a create. */
  readonly id?: string;
  readonly body?: unknown;
  /** What a GET shows afterwards. */
  check(answer: Answer): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly location?: string;
}

const linkage = (type: string, ...ids: string[]) => ({ data: ids.map((id) => ({ type, id })) });
const resource = (type: string, id: string | undefined, attributes: object, relationships?: object) => ({
  data: { type, ...(id !== undefined && { id }), attributes, ...(relationships && { relationships }) },
});
const one = (type: string, id: string) => ({ data: { type, id } });

let harness: Harness;
const read = async (path: string) => (await harness.get(path)).json<Record<string, unknown>>();
const ids = async (path: string) =>
  ((await read(path)).data as Array<{ id: string }>).map((item) => item.id).sort();
const attributes = async (path: string) =>
  ((await read(path)).data as { attributes: Record<string, unknown> }).attributes;
const status = async (path: string) => (await harness.get(path)).statusCode;

/** By operationId, in the order they run: adds and changes first, removals next, deletions last. */
const CASES: Record<string, WriteCase> = {
  apps_updateInstance: {
    id: 'a1',
    body: resource('apps', 'a1', { contentRightsDeclaration: 'USES_THIRD_PARTY_CONTENT' }),
    check: async () =>
      expect((await attributes('/v1/apps/a1')).contentRightsDeclaration).toBe('USES_THIRD_PARTY_CONTENT'),
  },
  builds_updateInstance: {
    id: 'b3',
    body: resource('builds', 'b3', { expired: true }),
    check: async () => expect((await attributes('/v1/builds/b3')).expired).toBe(true),
  },
  buildBetaDetails_updateInstance: {
    id: 'b1',
    body: resource('buildBetaDetails', 'b1', { autoNotifyEnabled: true }),
    check: async () => expect((await attributes('/v1/buildBetaDetails/b1')).autoNotifyEnabled).toBe(true),
  },
  betaGroups_createInstance: {
    body: resource('betaGroups', undefined, { name: 'Created' }, { app: one('apps', 'a1') }),
    check: async (answer) => {
      expect(answer.location).toMatch(/\/v1\/betaGroups\/[^/]+$/);
      expect(await ids('/v1/apps/a1/betaGroups')).toHaveLength(3);
    },
  },
  betaGroups_updateInstance: {
    id: 'g1',
    body: resource('betaGroups', 'g1', { name: 'Renamed', publicLinkEnabled: true }),
    check: async () => expect((await attributes('/v1/betaGroups/g1')).name).toBe('Renamed'),
  },
  betaTesters_createInstance: {
    body: resource(
      'betaTesters',
      undefined,
      { email: 'new@example.com' },
      { betaGroups: linkage('betaGroups', 'g1') },
    ),
    check: async (answer) => {
      const id = (answer.body.data as { id: string }).id;
      expect(await ids('/v1/betaGroups/g1/betaTesters')).toContain(id);
    },
  },
  betaTesterInvitations_createInstance: {
    body: {
      data: {
        type: 'betaTesterInvitations',
        relationships: { app: one('apps', 'a1'), betaTester: one('betaTesters', 't2') },
      },
    },
    check: async (answer) =>
      expect((answer.body.data as { type: string }).type).toBe('betaTesterInvitations'),
  },
  betaGroups_betaTesters_createToManyRelationship: {
    id: 'g2',
    body: linkage('betaTesters', 't2'),
    check: async () => expect(await ids('/v1/betaGroups/g2/betaTesters')).toEqual(['t1', 't2']),
  },
  betaGroups_builds_createToManyRelationship: {
    id: 'g2',
    body: linkage('builds', 'b2'),
    check: async () => expect(await ids('/v1/betaGroups/g2/builds')).toEqual(['b1', 'b2']),
  },
  betaTesters_betaGroups_createToManyRelationship: {
    id: 't3',
    body: linkage('betaGroups', 'g2'),
    check: async () => expect(await ids('/v1/betaTesters/t3/betaGroups')).toEqual(['g2']),
  },
  betaTesters_builds_createToManyRelationship: {
    id: 't2',
    body: linkage('builds', 'b1'),
    check: async () => expect(await ids('/v1/builds/b1/individualTesters')).toEqual(['t2', 't3']),
  },
  builds_betaGroups_createToManyRelationship: {
    id: 'b3',
    body: linkage('betaGroups', 'g1'),
    check: async () => expect(await ids('/v1/betaGroups/g1/builds')).toContain('b3'),
  },
  builds_individualTesters_createToManyRelationship: {
    id: 'b3',
    body: linkage('betaTesters', 't2'),
    check: async () => expect(await ids('/v1/builds/b3/individualTesters')).toEqual(['t2']),
  },
  betaGroups_betaTesters_deleteToManyRelationship: {
    id: 'g1',
    body: linkage('betaTesters', 't2'),
    check: async () => expect(await ids('/v1/betaGroups/g1/betaTesters')).not.toContain('t2'),
  },
  betaGroups_builds_deleteToManyRelationship: {
    id: 'g1',
    body: linkage('builds', 'b2'),
    check: async () => expect(await ids('/v1/betaGroups/g1/builds')).toEqual(['b1', 'b3']),
  },
  betaTesters_betaGroups_deleteToManyRelationship: {
    id: 't1',
    body: linkage('betaGroups', 'g2'),
    check: async () => expect(await ids('/v1/betaGroups/g2/betaTesters')).toEqual(['t2', 't3']),
  },
  betaTesters_builds_deleteToManyRelationship: {
    id: 't1',
    body: linkage('builds', 'b2'),
    check: async () => expect(await ids('/v1/builds/b2/individualTesters')).toEqual(['t3']),
  },
  builds_betaGroups_deleteToManyRelationship: {
    id: 'b1',
    body: linkage('betaGroups', 'g2'),
    check: async () => expect(await ids('/v1/betaGroups/g2/builds')).toEqual(['b2']),
  },
  builds_individualTesters_deleteToManyRelationship: {
    id: 'b2',
    body: linkage('betaTesters', 't3'),
    check: async () => expect(await ids('/v1/builds/b2/individualTesters')).toEqual([]),
  },
  betaTesters_apps_deleteToManyRelationship: {
    id: 't1',
    body: linkage('apps', 'a2'),
    check: async () => expect(await ids('/v1/betaTesters/t1/apps')).toEqual(['a1']),
  },
  apps_betaTesters_deleteToManyRelationship: {
    id: 'a1',
    body: linkage('betaTesters', 't3'),
    check: async () => expect(await ids('/v1/betaTesters?filter%5Bapps%5D=a1')).not.toContain('t3'),
  },
  betaFeedbackScreenshotSubmissions_deleteInstance: {
    id: 'ss1',
    check: async () => expect(await status('/v1/betaFeedbackScreenshotSubmissions/ss1')).toBe(404),
  },
  betaFeedbackCrashSubmissions_deleteInstance: {
    id: 'cs1',
    check: async () => expect(await status('/v1/betaFeedbackCrashSubmissions/cs1')).toBe(404),
  },
  betaGroups_deleteInstance: {
    id: 'g2',
    check: async () => expect(await status('/v1/betaGroups/g2')).toBe(404),
  },
  betaTesters_deleteInstance: {
    id: 't2',
    check: async () => expect(await status('/v1/betaTesters/t2')).toBe(404),
  },
};

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedTestflightFixture(harness.location.location);
});
afterAll(async () => {
  await harness?.close();
});

async function send(method: string, path: string, body: unknown, role?: 'MARKETING'): Promise<Answer> {
  const key = role === undefined ? harness.admin : await harness.createKey(role);
  const answer = await harness.app.inject({
    method: method as 'POST',
    url: path,
    headers: {
      authorization: `Bearer ${await harness.token(key)}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
  const location = answer.headers.location;
  return {
    status: answer.statusCode,
    body: answer.body === '' ? {} : answer.json<Record<string, unknown>>(),
    ...(typeof location === 'string' && { location }),
  };
}

function expectValid(method: HttpMethod, path: string, answer: Answer): void {
  const errors =
    answer.status === 204
      ? []
      : answer.status < 300
        ? validator.validateWriteResponse(method, path, answer.status, answer.body)
        : validator.validateSchema('ErrorResponse', answer.body);
  expect(errors, JSON.stringify(answer.body)).toEqual([]);
}

describe('every write of the TestFlight slice', () => {
  const writes = specWrites();

  it(`finds the spec's ${SPEC_WRITES} writes, each with a case here`, () => {
    expect(writes).toHaveLength(SPEC_WRITES);
    expect(Object.keys(CASES).sort()).toEqual(writes.map((write) => write.operationId).sort());
  });

  for (const operationId of Object.keys(CASES)) {
    it(`${operationId}: refuses in Apple's order, then answers as the spec says`, async () => {
      const write = writes.find((candidate) => candidate.operationId === operationId);
      if (write === undefined) throw new Error(`the spec has no ${operationId}`);
      const spec = CASES[operationId] as WriteCase;
      const method = write.method.toLowerCase() as HttpMethod;
      const path = write.path.replace('{id}', spec.id ?? '');
      if (spec.id !== undefined) {
        const unknown = await send(write.method, write.path.replace('{id}', 'nope'), spec.body);
        expect(unknown.status).toBe(404);
        expectValid(method, write.path, unknown);
      }
      const forbidden = await send(write.method, path, spec.body, 'MARKETING');
      expect(forbidden.status).toBe(403);
      expectValid(method, write.path, forbidden);
      if (write.body !== undefined) {
        // A type the body may not hold: for bodies about apps, builds.
        const expected = write.body.kind === 'linkage' ? write.body.target : write.body.type;
        const other = expected === 'apps' ? 'builds' : 'apps';
        const wrongType = await send(write.method, path, {
          data: write.body.kind === 'linkage' ? [{ type: other, id: 'a1' }] : { type: other },
        });
        expect(wrongType.status).toBe(409);
        expectValid(method, write.path, wrongType);
      }
      const answer = await send(write.method, path, spec.body);
      const expected =
        write.method === 'POST' && write.shape.kind === 'create' ? 201 : write.method === 'PATCH' ? 200 : 204;
      expect(answer.status, JSON.stringify(answer.body)).toBe(expected);
      expect(write.successes).toContain(expected);
      expectValid(method, write.path, answer);
      await spec.check(answer);
    });
  }
});
