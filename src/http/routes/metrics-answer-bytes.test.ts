import Fastify, { type FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { BUILD, GROUP, OTHER_GROUP, SIBLING_APP, seedSiblings } from '../../../test/support/sibling-data.js';
import { AppsBetaTesterUsagesV1MetricResponse } from '../schemas/beta-tester-usages.js';
import {
  BetaBuildUsagesV1MetricResponse,
  BetaPublicLinkUsagesV1MetricResponse,
  BetaTesterUsagesV1MetricResponse,
} from '../schemas/sibling-metrics.js';

/**
 * The metrics family serializes its documents with JSON.stringify (metrics-answer.ts), where every other answer
 * is serialized by its route's response schema. Each answer here must be byte for byte what the schema's
 * serializer (Fastify's own, fast-json-stringify) writes of the same document: same members, same order, same
 * values. A document built with a member out of the schema's order, or one the schema does not declare, fails.
 */

let harness: Harness;
/** A bare Fastify whose routes answer a given document through one of the response schemas. */
let schemaWriter: FastifyInstance;
let given: unknown;

const SCHEMAS: Record<string, TSchema> = {
  appUsages: AppsBetaTesterUsagesV1MetricResponse,
  testerUsages: BetaTesterUsagesV1MetricResponse,
  buildUsages: BetaBuildUsagesV1MetricResponse,
  publicLinkUsages: BetaPublicLinkUsagesV1MetricResponse,
};

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
  schemaWriter = Fastify();
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    schemaWriter.get(`/${name}`, { schema: { response: { 200: schema } } }, async () => given);
  }
  await schemaWriter.ready();
});
afterAll(async () => {
  await schemaWriter.close();
  await harness.close();
});

/** What the schema named `schema` writes of `document`. */
async function writtenBySchema(schema: string, document: unknown): Promise<string> {
  given = document;
  const answer = await schemaWriter.inject({ method: 'GET', url: `/${schema}` });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.body;
}

/** GETs `url`, expects 200, and checks its bytes against the schema's; the body, parsed. */
async function expectSchemaBytes(schema: string, url: string): Promise<{ links: { next?: string } }> {
  const answer = await harness.get(url);
  expect(answer.statusCode, answer.body).toBe(200);
  const document = answer.json();
  expect(answer.body).toBe(await writtenBySchema(schema, document));
  return document;
}

describe('metrics answers are the bytes their response schema writes', () => {
  const app = `/v1/apps/${SIBLING_APP}/metrics/betaTesterUsages`;
  const group = `/v1/betaGroups/${GROUP}/metrics/betaTesterUsages`;

  it.each([
    ['the app, every page through its cursors', app, 'groupBy=betaTesters&limit=2&period=P30D', 2],
    ['the app, one tester', app, 'filter[betaTesters]=s1&period=P365D', 1],
    ['the app, one tester, grouped', app, 'groupBy=betaTesters&filter[betaTesters]=s3', 1],
    ['a group, every page through its cursors', group, 'groupBy=betaTesters&limit=1&period=P7D', 3],
    [
      'a group without members who installed',
      `/v1/betaGroups/${OTHER_GROUP}/metrics/betaTesterUsages`,
      'groupBy=betaTesters',
      1,
    ],
  ])('%s', async (_, path, query, leastPages) => {
    let url: string | undefined = `${path}?${query}`;
    let pages = 0;
    while (url !== undefined) {
      const document = await expectSchemaBytes('appUsages', url);
      pages++;
      url = document.links.next?.replace(harness.baseUrl, '');
    }
    expect(pages).toBeGreaterThanOrEqual(leastPages);
  });

  it('a tester', async () => {
    await expectSchemaBytes(
      'testerUsages',
      `/v1/betaTesters/s1/metrics/betaTesterUsages?filter[apps]=${SIBLING_APP}`,
    );
    await expectSchemaBytes(
      'testerUsages',
      `/v1/betaTesters/s1/metrics/betaTesterUsages?filter[apps]=${SIBLING_APP}&period=P7D&limit=1`,
    );
  });

  it('a build', async () => {
    await expectSchemaBytes('buildUsages', `/v1/builds/${BUILD}/metrics/betaBuildUsages`);
  });

  it("a group's public link", async () => {
    await expectSchemaBytes('publicLinkUsages', `/v1/betaGroups/${GROUP}/metrics/publicLinkUsages`);
  });
});
