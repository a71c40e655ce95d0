import { type Json, specDocument } from './spec-operations.js';

/**
 * The write operations of Apple's TestFlight slice (POST, PATCH, DELETE), read from the vendored spec with the
 * request body each declares, so that one layer validates every body and registers every route
 * (docs/architecture.md, "Resources"; docs/apple-behavior.md, §10).
 */

export type WriteMethod = 'POST' | 'PATCH' | 'DELETE';

/** What a write path does: make, change or delete a resource, or add or remove members of a relationship. */
export type WriteShape =
  | { readonly kind: 'create' | 'update' | 'delete'; readonly type: string }
  | {
      readonly kind: 'link' | 'unlink';
      readonly type: string;
      readonly relationship: string;
      readonly target: string;
    };

/** One attribute of a request body, as its schema declares it. */
export interface BodyAttribute {
  /** `string`, `boolean`, `integer`, `number`, `object` or `array`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly values?: readonly string[];
  /** `email`, `uri`, `date-time` ... */
  readonly format?: string;
}

export interface BodyRelationship {
  readonly target: string;
  readonly toMany: boolean;
  readonly required: boolean;
}

/** A resource body (`{data: {type, id?, attributes?, relationships?}}`) or a linkage body (`{data: [{type, id}]}`). */
export type RequestBody =
  | {
      readonly kind: 'resource';
      readonly type: string;
      /** PATCH bodies name the resource they change. */
      readonly requiresId: boolean;
      readonly attributes: ReadonlyMap<string, BodyAttribute>;
      readonly requiredAttributes: ReadonlySet<string>;
      /** The body must hold `attributes` at all (BetaTesterCreateRequest). */
      readonly attributesRequired: boolean;
      readonly relationships: ReadonlyMap<string, BodyRelationship>;
      readonly relationshipsRequired: boolean;
    }
  | { readonly kind: 'linkage'; readonly target: string };

export interface SpecWrite {
  readonly operationId: string;
  readonly method: WriteMethod;
  /** `/v1/betaGroups/{id}/relationships/betaTesters` */
  readonly path: string;
  readonly shape: WriteShape;
  /** Absent for a DELETE of a resource, which takes no body. */
  readonly body?: RequestBody;
  /** The statuses the spec lists for success (201, 200, 204, and 202 for some deletes). */
  readonly successes: readonly number[];
}

let indexed: readonly SpecWrite[] | undefined;

/** Every write operation of the vendored spec, in its order. */
export function specWrites(): readonly SpecWrite[] {
  indexed ??= indexWrites(specDocument());
  return indexed;
}

function indexWrites(document: Json): SpecWrite[] {
  const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
  const writes: SpecWrite[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const method of ['post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (operation === undefined) continue;
      const ref = (
        operation.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined
      )?.content?.['application/json']?.schema?.$ref;
      const schema = ref === undefined ? undefined : schemas[ref.split('/').pop() ?? ''];
      if (ref !== undefined && schema === undefined) throw new Error(`the spec has no schema ${ref}`);
      const successes = Object.keys(operation.responses as Json)
        .map(Number)
        .filter((status) => status >= 200 && status < 300);
      const body = schema === undefined ? undefined : bodyOf(schema, schemas);
      const shape = shapeOf(method, path);
      if (shape.kind === 'link' || shape.kind === 'unlink') {
        if (body?.kind !== 'linkage') throw new Error(`the spec's ${path} takes no linkage body`);
        writes.push({ ...common(), shape: { ...shape, target: body.target }, body });
      } else writes.push({ ...common(), shape, ...(body !== undefined && { body }) });

      function common() {
        return {
          operationId: String(operation?.operationId),
          method: method.toUpperCase() as WriteMethod,
          path,
          successes,
        };
      }
    }
  }
  return writes;
}

function shapeOf(method: 'post' | 'patch' | 'delete', path: string): WriteShape {
  const [type, id, third, relationship] = path.split('/').slice(2);
  if (type === undefined) throw new Error(`the spec's write path ${path} names no type`);
  if (id === undefined && method === 'post') return { kind: 'create', type };
  if (id === '{id}' && third === undefined && method !== 'post')
    return { kind: method === 'patch' ? 'update' : 'delete', type };
  if (id === '{id}' && third === 'relationships' && relationship !== undefined && method !== 'patch')
    return { kind: method === 'post' ? 'link' : 'unlink', type, relationship, target: '' };
  throw new Error(`the spec's write ${method.toUpperCase()} ${path} has a shape this layer does not know`);
}

function bodyOf(schema: Json, schemas: Record<string, Json>): RequestBody {
  const data = (schema.properties as Record<string, Json>).data as Json;
  if (data.type === 'array') {
    return { kind: 'linkage', target: typeEnum(data.items as Json) };
  }
  const properties = data.properties as Record<string, Json>;
  const required = new Set((data.required ?? []) as string[]);
  const attributesSchema = properties.attributes as Json | undefined;
  const attributes = new Map<string, BodyAttribute>();
  for (const [name, raw] of Object.entries((attributesSchema?.properties ?? {}) as Record<string, Json>)) {
    const resolved =
      raw.$ref === undefined ? raw : { ...schemas[String(raw.$ref).split('/').pop() ?? ''], ...raw };
    const values = resolved.enum as string[] | undefined;
    attributes.set(name, {
      type: String(resolved.type ?? 'string'),
      nullable: resolved.nullable === true,
      ...(values !== undefined && { values }),
      ...(typeof resolved.format === 'string' && { format: resolved.format }),
    });
  }
  const relationshipsSchema = properties.relationships as Json | undefined;
  const requiredRelationships = new Set((relationshipsSchema?.required ?? []) as string[]);
  const relationships = new Map<string, BodyRelationship>();
  for (const [name, raw] of Object.entries((relationshipsSchema?.properties ?? {}) as Record<string, Json>)) {
    const linkage = (raw.properties as Record<string, Json>).data as Json;
    const toMany = linkage.type === 'array';
    relationships.set(name, {
      target: typeEnum((toMany ? linkage.items : linkage) as Json),
      toMany,
      required: requiredRelationships.has(name),
    });
  }
  return {
    kind: 'resource',
    type: typeEnum(data),
    requiresId: required.has('id'),
    attributes,
    requiredAttributes: new Set((attributesSchema?.required ?? []) as string[]),
    attributesRequired: required.has('attributes'),
    relationships,
    relationshipsRequired: required.has('relationships'),
  };
}

/** The one value of a resource identifier's `type` enum. */
function typeEnum(identifier: Json): string {
  const type = ((identifier.properties as Record<string, Json>).type as { enum?: string[] }).enum?.[0];
  if (type === undefined) throw new Error('the spec has a resource identifier without a type');
  return type;
}
