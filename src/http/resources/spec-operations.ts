import { existsSync, readFileSync } from 'node:fs';
import { isResourceKind, type ResourceKind } from '../../domain/resource-kinds.js';

/**
 * Apple's OpenAPI spec of the TestFlight slice, as the project vendors it (spec/, unchanged), read once: every
 * read operation the API serves, the parameters each declares and the attributes and relationships of each
 * resource type come from it, so a new operation is a declaration, not code (docs/architecture.md, "Resources").
 */

const SPEC_FILE = 'spec/asc-openapi-4.4.1-testflight.json';

/**
 * The package's spec/, found from this module upwards: the module is three folders below it in src/ and in
 * tsc's dist/, one or two in the bundle `serve` runs (scripts/bundle.mjs puts its chunks in dist/chunks/).
 */
function specUrl(): URL {
  for (let levels = 1; levels <= 4; levels++) {
    const candidate = new URL(`${'../'.repeat(levels)}${SPEC_FILE}`, import.meta.url);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${SPEC_FILE} is missing beside dist/: reinstall beta-metrics`);
}

export type Json = Record<string, unknown>;

interface ParameterObject {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: {
    readonly type?: string;
    readonly maximum?: number;
    readonly enum?: readonly string[];
    readonly items?: { readonly enum?: readonly string[] };
  };
}

/** A query parameter an operation declares, as the spec says it. */
export interface DeclaredParameter {
  readonly name: string;
  readonly required: boolean;
  /** `array` (comma-separated), `integer` or `boolean`. */
  readonly type: string;
  /** The values each item may take, when the spec lists them. */
  readonly values?: readonly string[];
  readonly maximum?: number;
}

/** What a GET path answers: the kind of document, over which resource type. */
export type OperationShape =
  | { readonly kind: 'collection'; readonly type: string }
  | { readonly kind: 'instance'; readonly type: string }
  | {
      readonly kind: 'relationship' | 'related';
      readonly type: string;
      readonly relationship: string;
      readonly target: string;
      readonly toMany: boolean;
    }
  | { readonly kind: 'metrics'; readonly type: string };

export interface SpecOperation {
  readonly operationId: string;
  /** `/v1/apps/{id}/builds` */
  readonly path: string;
  readonly shape: OperationShape;
  readonly parameters: ReadonlyMap<string, DeclaredParameter>;
}

export interface SpecRelationship {
  readonly target: string;
  readonly toMany: boolean;
}

/** A resource type of the spec: its attributes in the schema's order, and its relationships. */
export interface SpecResourceType {
  readonly type: string;
  readonly schemaName: string;
  readonly attributes: readonly string[];
  /** Attributes whose values are booleans (filters on them take `true` or `false`). */
  readonly booleanAttributes: ReadonlySet<string>;
  readonly relationships: ReadonlyMap<string, SpecRelationship>;
}

export interface TestflightSpec {
  readonly operations: readonly SpecOperation[];
  resourceType(type: string): SpecResourceType | undefined;
}

let loaded: TestflightSpec | undefined;
let document: Json | undefined;

/** The vendored spec as its JSON says it, read once (spec-writes.ts indexes its writes from it). */
export function specDocument(): Json {
  document ??= JSON.parse(readFileSync(specUrl(), 'utf8')) as Json;
  return document;
}

/** The vendored spec, read and indexed on first use. */
export function testflightSpec(): TestflightSpec {
  loaded ??= indexSpec(specDocument());
  return loaded;
}

function indexSpec(document: Json): TestflightSpec {
  const components = document.components as {
    schemas: Record<string, Json>;
    parameters?: Record<string, Json>;
  };
  const types = new Map<string, SpecResourceType>();
  for (const [schemaName, schema] of Object.entries(components.schemas)) {
    const properties = schema.properties as Record<string, Json> | undefined;
    const typeEnum = (properties?.type as { enum?: string[] } | undefined)?.enum;
    if (properties === undefined || typeEnum?.length !== 1 || properties.id === undefined) continue;
    const type = typeEnum[0] as string;
    if (types.has(type)) continue;
    const attributeSchemas = ((properties.attributes as Json | undefined)?.properties ?? {}) as Record<
      string,
      Json
    >;
    const attributes = Object.keys(attributeSchemas);
    const booleanAttributes = new Set(
      attributes.filter((name) => attributeSchemas[name]?.type === 'boolean'),
    );
    const relationships = new Map<string, SpecRelationship>();
    const declared = ((properties.relationships as Json | undefined)?.properties ?? {}) as Record<
      string,
      Json
    >;
    for (const [name, relationship] of Object.entries(declared)) {
      const data =
        (relationship.properties as Record<string, Json> | undefined)?.data ??
        relatedPathData(document, components.schemas, type, name);
      if (data === undefined) continue;
      const toMany = data.type === 'array';
      const item = (toMany ? data.items : data) as { properties?: { type?: { enum?: string[] } } };
      const target = item.properties?.type?.enum?.[0];
      if (target !== undefined) relationships.set(name, { target, toMany });
    }
    types.set(type, { type, schemaName, attributes, booleanAttributes, relationships });
  }

  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    const get = item.get;
    if (get === undefined) continue;
    const shape = shapeOf(path, types);
    if (shape === undefined) continue;
    const parameters = new Map<string, DeclaredParameter>();
    for (const raw of (get.parameters ?? []) as Json[]) {
      const parameter = resolve(raw, components.parameters) as unknown as ParameterObject;
      if (parameter.in !== 'query') continue;
      const values = parameter.schema.items?.enum ?? parameter.schema.enum;
      parameters.set(parameter.name, {
        name: parameter.name,
        required: parameter.required === true,
        type: parameter.schema.type ?? 'string',
        ...(values !== undefined && { values }),
        ...(parameter.schema.maximum !== undefined && { maximum: parameter.schema.maximum }),
      });
    }
    operations.push({ operationId: String(get.operationId), path, shape, parameters });
  }
  return { operations, resourceType: (type) => types.get(type) };
}

/**
 * The `data` of a relationship the schema gives only `links` (an app's feedback, a crash submission's log): what
 * its related path answers, when the slice has one.
 */
function relatedPathData(
  document: Json,
  schemas: Record<string, Json>,
  type: string,
  name: string,
): Json | undefined {
  const paths = document.paths as Record<string, Record<string, Json>>;
  const get = paths[`/v1/${type}/{id}/${name}`]?.get as
    | { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }
    | undefined;
  const ref = get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
  const response = ref === undefined ? undefined : schemas[ref.split('/').pop() ?? ''];
  const data = (response?.properties as Record<string, Json> | undefined)?.data;
  if (data === undefined) return undefined;
  const itemRef = ((data.type === 'array' ? data.items : data) as { $ref?: string }).$ref;
  const item = itemRef === undefined ? undefined : schemas[itemRef.split('/').pop() ?? ''];
  return item === undefined ? undefined : data.type === 'array' ? { type: 'array', items: item } : item;
}

function resolve(raw: Json, parameters: Record<string, Json> | undefined): Json {
  const ref = raw.$ref;
  if (typeof ref !== 'string') return raw;
  const found = parameters?.[ref.split('/').pop() ?? ''];
  if (found === undefined) throw new Error(`the spec has no parameter ${ref}`);
  return found;
}

function shapeOf(path: string, types: ReadonlyMap<string, SpecResourceType>): OperationShape | undefined {
  const segments = path.split('/').slice(2);
  const [type, id, third, fourth] = segments;
  if (type === undefined) return undefined;
  if (segments.length === 1) return { kind: 'collection', type };
  if (id !== '{id}') return undefined;
  if (segments.length === 2) return { kind: 'instance', type };
  if (third === 'metrics') return { kind: 'metrics', type };
  const name = third === 'relationships' ? fourth : third;
  const relationship = name === undefined ? undefined : types.get(type)?.relationships.get(name);
  if (name === undefined || relationship === undefined) return undefined;
  return {
    kind: third === 'relationships' ? 'relationship' : 'related',
    type,
    relationship: name,
    target: relationship.target,
    toMany: relationship.toMany,
  };
}

/** The spec's type as one beta-metrics keeps, or undefined for a type outside the TestFlight slice. */
export function servedKind(type: string): ResourceKind | undefined {
  return isResourceKind(type) ? type : undefined;
}
