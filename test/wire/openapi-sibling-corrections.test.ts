import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createOpenApiValidator, validateResponse } from '../support/openapi-validator.js';
import { BUILD, GROUP, seedSiblings } from '../support/sibling-data.js';

/**
 * The sibling metric responses (docs/apple-behavior.md, §7) need the corrections of §1 as the app's does: the
 * spec as published rejects what beta-metrics serves, the corrected spec accepts it, and still rejects a body
 * that breaks a correction.
 */

const CASES = [
  [
    '/v1/betaGroups/{id}/metrics/betaTesterUsages',
    `/v1/betaGroups/${GROUP}/metrics/betaTesterUsages?groupBy=betaTesters`,
  ],
  [
    '/v1/betaTesters/{id}/metrics/betaTesterUsages',
    '/v1/betaTesters/s1/metrics/betaTesterUsages?filter%5Bapps%5D=500',
  ],
  ['/v1/builds/{id}/metrics/betaBuildUsages', `/v1/builds/${BUILD}/metrics/betaBuildUsages`],
  ['/v1/betaGroups/{id}/metrics/publicLinkUsages', `/v1/betaGroups/${GROUP}/metrics/publicLinkUsages`],
] as const;

type Body = { data: Array<Record<string, unknown> & { dataPoints: Array<Record<string, unknown>> }> };

let harness: Harness;
const bodies = new Map<string, Body>();
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
  for (const [template, url] of CASES) {
    const response = await harness.get(url);
    expect(response.statusCode, response.body).toBe(200);
    bodies.set(template, response.json<Body>());
  }
});
afterAll(async () => {
  await harness?.close();
});

const published = createOpenApiValidator({ liveServiceCorrections: false });

describe.each(CASES)('%s', (template) => {
  const body = () => {
    const found = bodies.get(template);
    if (found === undefined || found.data.length === 0) throw new Error(`no item in ${template}`);
    return found;
  };
  const altered = (change: (item: Body['data'][number]) => void) => {
    const copy = structuredClone(body());
    const item = copy.data[0];
    if (item !== undefined) change(item);
    return validateResponse(template, 200, copy);
  };

  it('is refused by the spec as published and accepted with the corrections', () => {
    expect(published.validateResponse(template, 200, body())).toContainEqual(
      expect.stringMatching(/dataPoints\/0\/start must match format "date-time"/),
    );
    expect(validateResponse(template, 200, body())).toEqual([]);
  });

  it.each<[string, (item: Body['data'][number]) => void]>([
    ['without type', (item) => delete item.type],
    ['with another type', (item) => Object.assign(item, { type: 'somethingElse' })],
    [
      'with a date-time start',
      (item) => Object.assign(item.dataPoints[0] ?? {}, { start: '2022-10-05T00:00:00Z' }),
    ],
  ])('still refuses an item %s', (_what, change) => {
    expect(altered(change)).not.toEqual([]);
  });
});
