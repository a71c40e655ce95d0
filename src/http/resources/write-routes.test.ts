import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { createOpenApiValidator, type HttpMethod } from '../../../test/support/openapi-validator.js';
import { seedTestflightFixture } from '../../../test/support/testflight-fixture.js';

/**
 * The one flow of every write (write-routes.ts), proven on operations that have it: statuses, `Location`, the
 * order of checks, entity errors with their pointers, roles, 405 and `Allow`. Every body is validated against
 * the spec's response (or ErrorResponse) schema.
 */
const validator = createOpenApiValidator();

describe('the API writes', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    await seedTestflightFixture(harness.location.location);
  });
  afterEach(() => harness.close());

  const send = async (
    method: 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    role?: 'DEVELOPER' | 'APP_MANAGER',
  ) => {
    const key = role === undefined ? harness.admin : await harness.createKey(role);
    const answer = await harness.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${await harness.token(key)}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
    const empty = answer.body === '';
    const json = empty ? {} : (answer.json() as Record<string, unknown>);
    return { status: answer.statusCode, headers: answer.headers, json, empty };
  };
  /** The spec's schema for the answer: the operation's own for 2xx, ErrorResponse otherwise. */
  const expectValid = (method: HttpMethod, path: string, status: number, body: unknown) => {
    const errors =
      status < 300
        ? validator.validateWriteResponse(method, path, status, body)
        : validator.validateSchema('ErrorResponse', body);
    expect(errors).toEqual([]);
  };

  it('creates a beta group: 201, Location, the resource as its GET shows it', async () => {
    const created = await send('POST', '/v1/betaGroups', {
      data: {
        type: 'betaGroups',
        attributes: {
          name: 'Friends',
          publicLinkEnabled: true,
          publicLinkLimitEnabled: true,
          publicLinkLimit: 50,
        },
        relationships: {
          app: { data: { type: 'apps', id: 'a1' } },
          betaTesters: { data: [{ type: 'betaTesters', id: 't1' }] },
        },
      },
    });
    expect(created.status).toBe(201);
    expectValid('post', '/v1/betaGroups', 201, created.json);
    const data = created.json.data as { id: string; attributes: Record<string, unknown> };
    expect(created.headers.location).toBe(`https://api.appstoreconnect.apple.com/v1/betaGroups/${data.id}`);
    expect(data.attributes).toMatchObject({ name: 'Friends', publicLinkLimit: 50, isInternalGroup: false });
    const read = await harness.get(`/v1/betaGroups/${data.id}`);
    expect((read.json() as { data: unknown }).data).toEqual(created.json.data);
    const members = await harness.get(`/v1/betaGroups/${data.id}/relationships/betaTesters`);
    expect((members.json() as { data: unknown }).data).toEqual([{ type: 'betaTesters', id: 't1' }]);
  });

  it('changes a group with PATCH (200) and adds members with a relationship POST (204)', async () => {
    const patched = await send('PATCH', '/v1/betaGroups/g1', {
      data: { type: 'betaGroups', id: 'g1', attributes: { feedbackEnabled: false, name: 'Renamed' } },
    });
    expect(patched.status).toBe(200);
    expectValid('patch', '/v1/betaGroups/{id}', 200, patched.json);
    expect((patched.json.data as { attributes: unknown }).attributes).toMatchObject({
      name: 'Renamed',
      feedbackEnabled: false,
    });
    const linked = await send('POST', '/v1/builds/b3/relationships/individualTesters', {
      data: [{ type: 'betaTesters', id: 't2' }],
    });
    expect(linked.status).toBe(204);
    expect(linked.empty).toBe(true);
    const testers = await harness.get('/v1/builds/b3/relationships/individualTesters');
    expect((testers.json() as { data: unknown[] }).data).toContainEqual({ type: 'betaTesters', id: 't2' });
  });

  it('answers entity errors with 409 and a pointer to each problem, and writes nothing', async () => {
    const bad = await send('POST', '/v1/betaGroups', {
      data: {
        type: 'betaGroup',
        attributes: { name: 7, publicLinkLimit: 'many', color: 'red' },
        relationships: { builds: { data: { type: 'builds', id: 'b1' } } },
      },
    });
    expect(bad.status).toBe(409);
    expectValid('post', '/v1/betaGroups', 409, bad.json);
    const errors = bad.json.errors as Array<{ code: string; status: string; source: { pointer: string } }>;
    expect(errors.map((error) => [error.code, error.source.pointer])).toEqual([
      ['ENTITY_ERROR', '/data/type'],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', '/data/attributes/name'],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', '/data/attributes/publicLinkLimit'],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', '/data/attributes/color'],
      ['ENTITY_ERROR.RELATIONSHIP.INVALID', '/data/relationships/builds'],
      ['ENTITY_ERROR.RELATIONSHIP.REQUIRED', '/data/relationships/app'],
    ]);
    expect(errors.every((error) => error.status === '409')).toBe(true);
    const missing = await send('POST', '/v1/betaGroups', { data: { type: 'betaGroups' } });
    expect(missing.status).toBe(409);
    const groups = await harness.get('/v1/apps/a1/betaGroups');
    expect((groups.json() as { data: unknown[] }).data).toHaveLength(2);
    const wrongId = await send('PATCH', '/v1/betaGroups/g1', { data: { type: 'betaGroups', id: 'g2' } });
    expect((wrongId.json.errors as Array<{ source: unknown }>)[0]?.source).toEqual({
      pointer: '/data/id',
    });
  });

  it("points a service's refusal at the attribute or relationship it names", async () => {
    const tooMany = await send('PATCH', '/v1/betaGroups/g1', {
      data: { type: 'betaGroups', id: 'g1', attributes: { publicLinkLimit: 20_000 } },
    });
    expect(tooMany.status).toBe(409);
    expectValid('patch', '/v1/betaGroups/{id}', 409, tooMany.json);
    const unknownApp = await send('POST', '/v1/betaGroups', {
      data: {
        type: 'betaGroups',
        attributes: { name: 'X' },
        relationships: { app: { data: { type: 'apps', id: 'nope' } } },
      },
    });
    expect(unknownApp.status).toBe(409);
    expect(unknownApp.json.errors).toMatchObject([{ code: expect.stringMatching(/^ENTITY_ERROR/) }]);
  });

  it("checks in Apple's order: 404 for an unknown id, then 403 for a role that may not write, then the body", async () => {
    const unknown = await send('PATCH', '/v1/betaGroups/nope', { nonsense: true }, 'DEVELOPER');
    expect(unknown.status).toBe(404);
    expectValid('patch', '/v1/betaGroups/{id}', 404, unknown.json);
    const forbidden = await send('PATCH', '/v1/betaGroups/g1', { nonsense: true }, 'DEVELOPER');
    expect(forbidden.status).toBe(403);
    const manager = await send(
      'PATCH',
      '/v1/betaGroups/g1',
      { data: { type: 'betaGroups', id: 'g1', attributes: { name: 'By the manager' } } },
      'APP_MANAGER',
    );
    expect(manager.status).toBe(200);
  });

  it('answers 405 with the methods a path takes, writes included', async () => {
    const answer = await send('PUT', '/v1/betaGroups/g1', {});
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
  });

  it('refuses a relationship to a type beta-metrics does not serve rather than dropping it', async () => {
    const answer = await send('PATCH', '/v1/builds/b1', {
      data: {
        type: 'builds',
        id: 'b1',
        attributes: { expired: true },
        relationships: {
          appEncryptionDeclaration: { data: { type: 'appEncryptionDeclarations', id: 'e1' } },
        },
      },
    });
    expect(answer.status).toBe(409);
    expect(answer.json.errors).toMatchObject([
      {
        code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
        detail: expect.stringContaining('which beta-metrics does not serve'),
        source: { pointer: '/data/relationships/appEncryptionDeclaration' },
      },
    ]);
    const build = await harness.get('/v1/builds/b1');
    expect((build.json() as { data: { attributes: { expired: boolean } } }).data.attributes.expired).toBe(
      false,
    );
  });

  it('lets one of two identical creates racing win: one 201 and one 409, one resource', async () => {
    const group = {
      data: {
        type: 'betaGroups',
        attributes: { name: 'Raced' },
        relationships: { app: { data: { type: 'apps', id: 'a1' } } },
      },
    };
    const groups = await Promise.all([
      send('POST', '/v1/betaGroups', group),
      send('POST', '/v1/betaGroups', group),
    ]);
    expect(groups.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const conflict = groups.find((answer) => answer.status === 409);
    expect(conflict?.json.errors).toMatchObject([{ code: 'STATE_ERROR' }]);
    expectValid('post', '/v1/betaGroups', 409, conflict?.json);
    const named = await harness.get('/v1/betaGroups?filter%5Bname%5D=Raced');
    expect((named.json() as { data: unknown[] }).data).toHaveLength(1);

    const tester = {
      data: {
        type: 'betaTesters',
        attributes: { email: 'raced@example.com' },
        relationships: { betaGroups: { data: [{ type: 'betaGroups', id: 'g1' }] } },
      },
    };
    const testers = await Promise.all([
      send('POST', '/v1/betaTesters', tester),
      send('POST', '/v1/betaTesters', tester),
    ]);
    expect(testers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const found = await harness.get('/v1/betaTesters?filter%5Bemail%5D=raced@example.com');
    expect((found.json() as { data: unknown[] }).data).toHaveLength(1);
  });

  it("takes an app's own bundle id back in a PATCH, and refuses another at its pointer", async () => {
    const same = await send('PATCH', '/v1/apps/a1', {
      data: { type: 'apps', id: 'a1', attributes: { bundleId: 'com.example.alpha', primaryLocale: 'fr-FR' } },
    });
    expect(same.status).toBe(200);
    const other = await send('PATCH', '/v1/apps/a1', {
      data: { type: 'apps', id: 'a1', attributes: { bundleId: 'com.example.other', primaryLocale: 'de-DE' } },
    });
    expect(other.status).toBe(409);
    expect(other.json.errors).toMatchObject([
      { code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', source: { pointer: '/data/attributes/bundleId' } },
    ]);
    const app = await harness.get('/v1/apps/a1');
    expect((app.json() as { data: { attributes: unknown } }).data.attributes).toMatchObject({
      bundleId: 'com.example.alpha',
      primaryLocale: 'fr-FR',
    });
  });
});
