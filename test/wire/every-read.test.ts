import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createOpenApiValidator } from '../support/openapi-validator.js';
import { seedTestflightFixture } from '../support/testflight-fixture.js';
import {
  baseQuery,
  queryString,
  readPath,
  type SpecParameter,
  type SpecRead,
  specReads,
  validValue,
} from '../support/testflight-reads.js';

/**
 * Every GET of the TestFlight slice (spec/asc-openapi-4.4.1-testflight.json), run against a server holding the
 * fixture of test/support/testflight-fixture.ts (every type, every relationship): each operation answers 200 with a
 * body valid against the slice's spec plus the live-service corrections of docs/apple-behavior.md, §1, and each
 * declared query parameter, given a valid value, answers 200 too, unless it names a type beta-metrics refuses by
 * design (docs/apple-behavior.md, §9: include/fields of types outside the slice).
 */

const SPEC_GETS = 58;
const SPEC_QUERY_PARAMETERS = 343;
const REFUSED_BY_DESIGN = /which beta-metrics does not serve/;

const validator = createOpenApiValidator();
const reads = specReads();

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedTestflightFixture(harness.location.location);
});
afterAll(async () => {
  await harness?.close();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function request(read: SpecRead, pairs: ReadonlyArray<readonly [string, string]>): Promise<Answer> {
  const query = queryString(pairs);
  const response = await harness.get(`${readPath(read)}${query === '' ? '' : `?${query}`}`);
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

function withParameter(read: SpecRead, name: string, value: string): Array<[string, string]> {
  return [...baseQuery(read).filter(([other]) => other !== name), [name, value]];
}

/** The detail of the first error of an error body. */
function detailOf(answer: Answer): string {
  const [first] = (answer.body.errors ?? []) as Array<{ detail?: string }>;
  return first?.detail ?? JSON.stringify(answer.body);
}

describe('every read of the TestFlight slice', () => {
  it(`lists the spec's ${SPEC_GETS} GET operations and ${SPEC_QUERY_PARAMETERS} query parameters`, () => {
    expect(reads).toHaveLength(SPEC_GETS);
    expect(reads.reduce((sum, read) => sum + read.parameters.length, 0)).toBe(SPEC_QUERY_PARAMETERS);
  });

  it('serves every operation with a body valid against the spec, and honours every declared parameter', async () => {
    const missing: string[] = [];
    const problems: string[] = [];
    let served = 0;
    let validated = 0;
    let honoured = 0;
    let refused = 0;
    let unasked = 0;

    const validate = (read: SpecRead, answer: Answer, what: string): boolean => {
      const errors = validator.validateResponse(read.path, 200, answer.body);
      validated++;
      if (errors.length > 0) problems.push(`${read.operationId} ${what}: ${errors.slice(0, 3).join('; ')}`);
      return errors.length === 0;
    };

    /** Whether the operation answers `parameter` with one of `values`: honoured, refused by design, or neither. */
    const tryParameter = async (read: SpecRead, parameter: SpecParameter, values: readonly string[]) => {
      let last: Answer | undefined;
      for (const value of values) {
        last = await request(read, withParameter(read, parameter.name, value));
        if (last.status === 200) {
          validate(read, last, `with ${parameter.name}=${value}`);
          return 'honoured';
        }
        if (last.status !== 400 || !REFUSED_BY_DESIGN.test(detailOf(last))) break;
      }
      if (last !== undefined && last.status === 400 && REFUSED_BY_DESIGN.test(detailOf(last)))
        return 'refused';
      problems.push(
        `${read.operationId} ${parameter.name}=${values[0]}: ${last?.status} ${last === undefined ? '' : detailOf(last)}`,
      );
      return 'failed';
    };

    for (const read of reads) {
      const answer = await request(read, baseQuery(read));
      if (answer.status === 404 && detailOf(answer).includes('does not match a defined resource type')) {
        missing.push(read.operationId);
        unasked += read.parameters.length;
        continue;
      }
      if (answer.status !== 200) {
        problems.push(`${read.operationId}: ${answer.status} ${detailOf(answer)}`);
        continue;
      }
      served++;
      validate(read, answer, 'without parameters');
      // The fixture gives every relationship data, so every read but the metrics (no usage stored) finds some.
      const data = answer.body.data;
      if (!read.path.includes('/metrics/') && (data === null || (Array.isArray(data) && data.length === 0))) {
        problems.push(`${read.operationId}: no data`);
      }

      for (const parameter of read.parameters) {
        // include: the first value of a type beta-metrics serves; every other parameter: its one valid value.
        const values =
          parameter.name === 'include' && parameter.values !== undefined
            ? parameter.values
            : [validValue(read, parameter)];
        const outcome = await tryParameter(read, parameter, values);
        if (outcome === 'honoured') honoured++;
        else if (outcome === 'refused') refused++;
      }
    }

    console.log(
      `every read: operations served ${served} of ${reads.length} (missing: ${missing.join(', ') || 'none'}); ` +
        `bodies validated ${validated}; parameters honoured ${honoured} of ${SPEC_QUERY_PARAMETERS} ` +
        `(refused by design ${refused}, of missing operations ${unasked})`,
    );
    expect(problems).toEqual([]);
    expect(missing).toEqual([]);
    expect(served).toBe(SPEC_GETS);
    expect(honoured + refused + unasked).toBe(SPEC_QUERY_PARAMETERS);
  });
});
