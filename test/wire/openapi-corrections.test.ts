import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createOpenApiValidator, validateResponse } from '../support/openapi-validator.js';

/**
 * The validator the wire tests use is not vacuous: Apple's spec as published rejects what the live service
 * sends (so the three corrections of docs/apple-behavior.md, §1 are needed), and the corrected schema still rejects a
 * body that breaks any of them.
 */

const METRICS = '/v1/apps/{id}/metrics/betaTesterUsages';
const REAL_BODY_URL = '/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters&limit=2';

type Item = Record<string, unknown> & {
  dataPoints: Array<Record<string, unknown>>;
  dimensions: { betaTesters: Record<string, unknown> };
};
type Body = { data: Item[] };

let harness: Harness;
let body: Body;
beforeAll(async () => {
  harness = await createHarness({ demo: true });
  const response = await harness.get(REAL_BODY_URL);
  expect(response.statusCode, response.body).toBe(200);
  body = response.json<Body>();
});
afterAll(async () => {
  await harness?.close();
});

/** The errors of the corrected validator for a copy of the real body whose first item `change` altered. */
function validateAltered(change: (item: Item) => void): string[] {
  const copy = structuredClone(body);
  const item = copy.data[0];
  if (item === undefined) throw new Error('the real body has no item');
  change(item);
  return validateResponse(METRICS, 200, copy);
}

describe('the corrections of docs/apple-behavior.md, §1', () => {
  it('are needed: the spec as published rejects a real metrics body', () => {
    const published = createOpenApiValidator({ liveServiceCorrections: false });
    const errors = published.validateResponse(METRICS, 200, body);
    expect(errors).toContainEqual(
      expect.stringMatching(/dataPoints\/0\/start must match format "date-time"/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/betaTesters\/data must be string/));
    expect(validateResponse(METRICS, 200, body)).toEqual([]);
  });

  it.each<[string, (item: Item) => void]>([
    ['without type', (item) => delete item.type],
    ['with another type', (item) => Object.assign(item, { type: 'betaTesterUsages' })],
    [
      'with a date-time start',
      (item) => Object.assign(item.dataPoints[0] ?? {}, { start: '2022-10-05T00:00:00Z' }),
    ],
    [
      'with a date-time end',
      (item) => Object.assign(item.dataPoints[0] ?? {}, { end: '2023-10-05T00:00:00Z' }),
    ],
    ['with data as a string', (item) => Object.assign(item.dimensions.betaTesters, { data: 'x' })],
    [
      'with data of another type',
      (item) => Object.assign(item.dimensions.betaTesters, { data: { type: 'apps', id: 'x' } }),
    ],
    [
      'with data without id',
      (item) => Object.assign(item.dimensions.betaTesters, { data: { type: 'betaTesters' } }),
    ],
  ])('are enforced: an item %s is rejected', (_what, change) => {
    expect(validateAltered(change)).not.toEqual([]);
  });
});
