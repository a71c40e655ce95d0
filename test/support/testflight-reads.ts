import { readFileSync } from 'node:fs';

/**
 * The GET operations of the vendored TestFlight slice (spec/asc-openapi-4.4.1-testflight.json), read straight
 * from the spec rather than through the server's own index, with a request for each over the fixture of
 * testflight-fixture.ts: the path with a real id, the parameters an operation cannot answer without, and one valid
 * value per declared query parameter.
 */

const SPEC_URL = new URL('../../spec/asc-openapi-4.4.1-testflight.json', import.meta.url);

type Json = Record<string, unknown>;

export interface SpecParameter {
  readonly name: string;
  readonly required: boolean;
  readonly type: string;
  readonly values?: readonly string[];
  readonly maximum?: number;
}

export interface SpecRead {
  readonly operationId: string;
  /** `/v1/apps/{id}/builds` */
  readonly path: string;
  readonly parameters: readonly SpecParameter[];
}

/** One resource of each type the fixture holds, whose relationships all have data. */
export const FIXTURE_IDS: Readonly<Record<string, string>> = {
  apps: 'a1',
  betaTesters: 't1',
  betaGroups: 'g1',
  builds: 'b1',
  preReleaseVersions: 'p1',
  buildBetaDetails: 'b1',
  betaCrashLogs: 'cl1',
  betaFeedbackCrashSubmissions: 'cs1',
  betaFeedbackScreenshotSubmissions: 'ss1',
};

export function specReads(): SpecRead[] {
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Json;
  const shared = (spec.components as { parameters?: Record<string, Json> }).parameters ?? {};
  const reads: SpecRead[] = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    const get = item.get;
    if (get === undefined) continue;
    const parameters = ((get.parameters ?? []) as Json[])
      .map((raw) => (typeof raw.$ref === 'string' ? shared[raw.$ref.split('/').pop() ?? ''] : raw))
      .filter((parameter): parameter is Json => parameter !== undefined && parameter.in === 'query')
      .map((parameter) => {
        const schema = parameter.schema as {
          type?: string;
          enum?: string[];
          items?: { enum?: string[] };
          maximum?: number;
        };
        const values = schema.items?.enum ?? schema.enum;
        return {
          name: String(parameter.name),
          required: parameter.required === true,
          type: schema.type ?? 'string',
          ...(values !== undefined && { values }),
          ...(schema.maximum !== undefined && { maximum: schema.maximum }),
        };
      });
    reads.push({ operationId: String(get.operationId), path, parameters });
  }
  return reads;
}

/** The path of `read` with the fixture's id of the type it names. */
export function readPath(read: SpecRead): string {
  const type = read.path.split('/')[2] ?? '';
  const id = FIXTURE_IDS[type];
  if (read.path.includes('{id}') && id === undefined) throw new Error(`the fixture has no ${type}`);
  return read.path.replace('{id}', id ?? '');
}

/** What the operation needs to answer at all: its required parameters, and `groupBy` where declared (§2). */
export function baseQuery(read: SpecRead): Array<[string, string]> {
  return read.parameters
    .filter((parameter) => parameter.required || parameter.name === 'groupBy')
    .map((parameter) => [parameter.name, validValue(read, parameter)]);
}

/** Ids the fixture holds, by the name a filter gives the related resource (its last dotted step). */
const FILTER_IDS: Readonly<Record<string, string>> = {
  app: 'a1',
  apps: 'a1',
  build: 'b1',
  builds: 'b1',
  betaGroups: 'g1',
  preReleaseVersion: 'p1',
  tester: 't1',
  betaTesters: 't1',
};

/** Attribute values the fixture holds, so a filter on them finds something. */
const FILTER_VALUES: Readonly<Record<string, string>> = {
  name: 'Alpha',
  bundleId: 'com.example.alpha',
  sku: 'SKU1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  publicLink: 'https://testflight.apple.com/join/abcd1234',
  version: '1',
  deviceModel: 'iPhone15,2',
  osVersion: '17.0',
};

const BOOLEAN_FILTERS = new Set([
  'isInternalGroup',
  'publicLinkEnabled',
  'publicLinkLimitEnabled',
  'expired',
  'usesNonExemptEncryption',
]);

/**
 * One valid value for `parameter` of `read`: an enum's first value (sort, fields, include, filters with an enum),
 * a real id for a filter on a relationship or on `id`, 1 for limits, true for exists[...], a stored value for a
 * filter on an attribute.
 */
export function validValue(read: SpecRead, parameter: SpecParameter): string {
  const { name } = parameter;
  if (parameter.values !== undefined && parameter.values.length > 0) return parameter.values[0] ?? '';
  if (name === 'limit' || name.startsWith('limit[')) return '1';
  if (name.startsWith('exists[')) return 'true';
  const inner = /^filter\[(.*)\]$/.exec(name)?.[1];
  if (inner !== undefined) {
    const last = inner.split('.').pop() ?? inner;
    if (last === 'id') return FIXTURE_IDS[read.path.split('/')[2] ?? ''] ?? 'x';
    if (BOOLEAN_FILTERS.has(last)) return 'true';
    return FILTER_IDS[last] ?? FILTER_VALUES[last] ?? 'x';
  }
  if (parameter.type === 'integer') return '1';
  if (parameter.type === 'boolean') return 'true';
  return 'x';
}

/** `a=1&b=2` with each name and value percent-encoded (brackets too, as Apple's links write them). */
export function queryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}
