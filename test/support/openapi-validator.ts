import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

/**
 * Validates response bodies against the TestFlight slice of Apple's OpenAPI 3.0.1 spec that the server reads at
 * runtime (spec/asc-openapi-4.4.1-testflight.json, vendored unchanged), with the live-service corrections of
 * docs/apple-behavior.md, §1 applied to copies of the metric responses (AppsBetaTesterUsagesV1MetricResponse and
 * its siblings of §7, listed in §11) and an empty to-one relationship allowed as `null` (§11): where the spec and
 * the live service disagree, the live service wins. `discriminator` is ignored (Ajv, strict: false).
 */

const SPEC_URL = new URL('../../spec/asc-openapi-4.4.1-testflight.json', import.meta.url);
const SPEC_ID = 'asc-openapi';

/**
 * Each metric response the API serves, with the item `type` the live service writes (§1; the siblings' are named
 * after their schemas, §7) and the dimension whose `data` is a resource identifier object, if any.
 */
const METRIC_RESPONSES: ReadonlyArray<{ schema: string; type: string; dimension?: string }> = [
  { schema: 'AppsBetaTesterUsagesV1MetricResponse', type: 'appsBetaTesterUsages', dimension: 'betaTesters' },
  { schema: 'BetaTesterUsagesV1MetricResponse', type: 'betaTesterUsages', dimension: 'apps' },
  { schema: 'BetaBuildUsagesV1MetricResponse', type: 'betaBuildUsages' },
  { schema: 'BetaPublicLinkUsagesV1MetricResponse', type: 'betaPublicLinkUsages' },
];

type Json = Record<string, unknown>;

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses?: Record<string, Json> }>>;
  readonly components: { readonly schemas: Record<string, Json> };
}

export interface OpenApiValidatorOptions {
  /** Apply docs/apple-behavior.md, §1's corrections (default true). False validates against the spec as published. */
  readonly liveServiceCorrections?: boolean;
}

export interface OpenApiValidator {
  /** Errors of `body` against the schema the spec declares for GET `pathTemplate` answering `status`. */
  validateResponse(pathTemplate: string, status: number, body: unknown): string[];
  /** Errors of `body` against `#/components/schemas/<name>` (for responses the spec lists no path for). */
  validateSchema(name: string, body: unknown): string[];
  /** Errors of a write's answer against what the spec declares for `method` of `pathTemplate` and `status`. */
  validateWriteResponse(method: HttpMethod, pathTemplate: string, status: number, body: unknown): string[];
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export function loadOpenApiDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(SPEC_URL, 'utf8')) as OpenApiDocument;
}

export function createOpenApiValidator(options: OpenApiValidatorOptions = {}): OpenApiValidator {
  const spec = loadOpenApiDocument();
  const schemas = structuredClone(spec.components.schemas);
  dropNonStringFormats(schemas);
  if (options.liveServiceCorrections ?? true) {
    for (const metric of METRIC_RESPONSES) {
      schemas[metric.schema] = correctMetricResponse(
        requireObject(schemas[metric.schema], metric.schema),
        metric,
      );
    }
    allowEmptyToOne(schemas);
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  formatsModule.default(ajv);
  // The components under their own id, so the spec's "#/components/schemas/X" refs resolve inside it.
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });

  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (name: string): ValidateFunction => {
    let validate = compiled.get(name);
    if (validate === undefined) {
      if (schemas[name] === undefined) throw new Error(`the spec has no schema ${name}`);
      validate = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
      compiled.set(name, validate);
    }
    return validate;
  };
  const validateSchema = (name: string, body: unknown): string[] => {
    const validate = validatorFor(name);
    return validate(body) ? [] : formatErrors(validate.errors);
  };

  return {
    validateSchema,
    validateResponse(pathTemplate, status, body) {
      return validateSchema(responseSchemaName(spec, pathTemplate, status), body);
    },
    validateWriteResponse(method, pathTemplate, status, body) {
      return validateSchema(responseSchemaName(spec, pathTemplate, status, method), body);
    },
  };
}

/** The spec with docs/apple-behavior.md, §1's corrections: the validator the wire tests use. */
const corrected = createOpenApiValidator();

export function validateResponse(pathTemplate: string, status: number, body: unknown): string[] {
  return corrected.validateResponse(pathTemplate, status, body);
}

export function validateSchema(name: string, body: unknown): string[] {
  return corrected.validateSchema(name, body);
}

function responseSchemaName(
  spec: OpenApiDocument,
  pathTemplate: string,
  status: number,
  method: HttpMethod = 'get',
): string {
  const name = `${method.toUpperCase()} ${pathTemplate}`;
  const operation = spec.paths[pathTemplate]?.[method];
  if (operation === undefined) throw new Error(`the spec has no ${name}`);
  const response = operation.responses?.[String(status)];
  if (response === undefined) throw new Error(`the spec declares no ${status} for ${name}`);
  const content = requireObject(response.content, `${name} ${status} content`);
  const json = requireObject(content['application/json'], `${name} ${status} application/json`);
  const ref = requireObject(json.schema, `${name} ${status} schema`).$ref;
  const prefix = '#/components/schemas/';
  if (typeof ref !== 'string' || !ref.startsWith(prefix)) {
    throw new Error(`${name} ${status}: expected a $ref to a component schema`);
  }
  return ref.slice(prefix.length);
}

/** A deep copy of a metric response of the spec with the live service's differences (docs/apple-behavior.md, §1). */
function correctMetricResponse(published: Json, metric: { type: string; dimension?: string }): Json {
  const schema = structuredClone(published);
  const item = at(schema, ['properties', 'data', 'items']);
  const itemProperties = at(item, ['properties']);
  // §1: "each item: type = "appsBetaTesterUsages" (the spec omits type; every real body has it)"; the
  // siblings' types (§7, §11).
  item.properties = { type: { type: 'string', const: metric.type }, ...itemProperties };
  item.required = [...(Array.isArray(item.required) ? item.required : []), 'type'];
  // §1: "Dates are date-only strings (the spec says date-time; the wire says date)".
  const point = at(itemProperties, ['dataPoints', 'items', 'properties']);
  at(point, ['start']).format = 'date';
  at(point, ['end']).format = 'date';
  // §1: "dimensions.betaTesters.data is a resource identifier object (the spec says string)"; §7: so is
  // dimensions.apps.data.
  if (metric.dimension !== undefined) {
    const dimension = at(itemProperties, ['dimensions', 'properties', metric.dimension, 'properties']);
    dimension.data = {
      type: 'object',
      properties: { type: { type: 'string', const: metric.dimension }, id: { type: 'string' } },
      required: ['type', 'id'],
    };
  }
  return schema;
}

/**
 * docs/apple-behavior.md, §11: an empty to-one relationship is `"data": null` (JSON:API 1.0, "Resource Linkage"),
 * in a resource's relationships, in its relationship endpoint and in its related endpoint; the spec declares an
 * object there. Only to-one `data` is touched: a to-many one stays an array.
 */
function allowEmptyToOne(schemas: Record<string, Json>): void {
  const nullable = (holder: Json) => {
    const data = holder.data;
    if (typeof data !== 'object' || data === null || (data as Json).type === 'array') return;
    holder.data = { anyOf: [data, { type: 'null' }] };
  };
  for (const [name, schema] of Object.entries(schemas)) {
    const properties = schema.properties as Json | undefined;
    if (properties === undefined) continue;
    // A single resource's document: `FooResponse`, `FooWithoutIncludesResponse`, `FooBarLinkageResponse`.
    if (name.endsWith('Response')) nullable(properties);
    const relationships = (properties.relationships as Json | undefined)?.properties as
      | Record<string, Json>
      | undefined;
    for (const relationship of Object.values(relationships ?? {})) {
      const members = relationship.properties as Json | undefined;
      if (members !== undefined) nullable(members);
    }
  }
}

/**
 * The spec writes `"format": null` (AppEvent.deepLink); JSON Schema wants a string there and Ajv refuses to
 * compile any schema that reaches it (AppsResponse does, through `included`). Null means "no format": drop it.
 */
function dropNonStringFormats(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Json;
  // Only null: a property named `format` (an object under `properties`) is not the keyword.
  if (record.format === null) delete record.format;
  for (const value of Object.values(record)) dropNonStringFormats(value);
}

function at(root: Json, path: readonly string[]): Json {
  let node = root;
  for (const key of path) node = requireObject(node[key], path.join('.'));
  return node;
}

function requireObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the spec's ${what} is not an object`);
  }
  return value as SchemaObject;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
}
