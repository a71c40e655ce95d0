import { ApiError, type ErrorItem } from '../../errors/api-error.js';
import type { ErrorCode } from '../../errors/catalog.js';
import { visibleText } from '../../domain/visible-text.js';
import type { BodyAttribute, RequestBody } from './spec-writes.js';

/**
 * Reads a write's JSON body against the request schema the spec declares for it (spec-writes.ts), reporting
 * every problem at once with its JSON pointer, as Apple does (docs/apple-behavior.md, §10). Entity errors of a
 * write answer 409, Apple's status for them; a body that is not JSON at all stays 400 (error-handling.ts).
 */

/** What a resource body holds once read: attributes as sent, each relationship's ids (one, none or many). */
export interface ResourceBody {
  readonly id?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships: ReadonlyMap<string, readonly string[]>;
}

/** A body may name at most this many related resources in one request: each is a row written in one transaction. */
export const MAX_LINKAGES = 1000;
/** The problems one answer lists at most; the rest are left for the next try. */
const MAX_PROBLEMS = 20;
const MAX_ID = 256;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The status of an entity error on a write (docs/apple-behavior.md, §10). */
export const WRITE_ENTITY_STATUS = 409;

type ResourceSchema = Extract<RequestBody, { kind: 'resource' }>;

class Problems {
  readonly items: ErrorItem[] = [];
  add(code: ErrorCode, detail: string, pointer: string): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push({ code, detail, source: { pointer } });
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new ApiError(this.items, {}, WRITE_ENTITY_STATUS);
  }
}

export function readResourceBody(schema: ResourceSchema, body: unknown, pathId?: string): ResourceBody {
  const problems = new Problems();
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data)) {
    problems.add('ENTITY_ERROR', "The request body must be an object with a 'data' object", '/data');
    problems.throwIfAny();
    return { attributes: {}, relationships: new Map() };
  }
  if (data.type !== schema.type)
    problems.add('ENTITY_ERROR', `The type must be '${schema.type}', not ${shown(data.type)}`, '/data/type');
  let id: string | undefined;
  if (schema.requiresId) {
    if (typeof data.id !== 'string' || data.id.length === 0)
      problems.add('ENTITY_ERROR', "The resource's 'id' is required", '/data/id');
    else if (pathId !== undefined && data.id !== pathId)
      problems.add(
        'ENTITY_ERROR',
        `The id ${shown(data.id)} in the body is not the id ${shown(pathId)} in the path`,
        '/data/id',
      );
    else id = data.id;
  }
  const attributes = readAttributes(schema, data.attributes, problems);
  const relationships = readRelationships(schema, data.relationships, problems);
  for (const name of Object.keys(data))
    if (!['type', 'id', 'attributes', 'relationships'].includes(name))
      problems.add(
        'ENTITY_ERROR',
        `${shown(name)} is not a member of a resource object`,
        `/data/${pointerPart(name)}`,
      );
  problems.throwIfAny();
  return { ...(id !== undefined && { id }), attributes, relationships };
}

/** The ids of a linkage body (`{data: [{type, id}]}`), each once, in the client's order. */
export function readLinkageBody(target: string, body: unknown): string[] {
  const problems = new Problems();
  const data = isObject(body) ? body.data : undefined;
  if (!Array.isArray(data)) {
    problems.add('ENTITY_ERROR', "The request body must be an object with a 'data' array", '/data');
    problems.throwIfAny();
    return [];
  }
  const ids = identifiers(data, target, '/data', problems);
  if (ids.length === 0 && problems.items.length === 0)
    problems.add('ENTITY_ERROR', `The 'data' array must name at least one of ${target}`, '/data');
  problems.throwIfAny();
  return ids;
}

function readAttributes(schema: ResourceSchema, raw: unknown, problems: Problems): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (raw === undefined) {
    if (schema.attributesRequired)
      problems.add(
        'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
        "The resource's 'attributes' are required",
        '/data/attributes',
      );
    return attributes;
  }
  if (!isObject(raw)) {
    problems.add('ENTITY_ERROR.ATTRIBUTE.INVALID', "'attributes' must be an object", '/data/attributes');
    return attributes;
  }
  for (const [name, value] of Object.entries(raw)) {
    const pointer = `/data/attributes/${pointerPart(name)}`;
    const declared = schema.attributes.get(name);
    if (declared === undefined) {
      problems.add(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        `${shown(name)} is not an attribute of ${schema.type} that can be written`,
        pointer,
      );
      continue;
    }
    const problem = attributeProblem(declared, value);
    if (problem !== undefined) problems.add('ENTITY_ERROR.ATTRIBUTE.INVALID', `${name} ${problem}`, pointer);
    else attributes[name] = value;
  }
  for (const name of schema.requiredAttributes)
    if (!Object.hasOwn(raw, name))
      problems.add(
        'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
        `The attribute '${name}' is required`,
        `/data/attributes/${name}`,
      );
  return attributes;
}

/** What is wrong with an attribute's value, or undefined when its schema takes it. */
function attributeProblem(declared: BodyAttribute, value: unknown): string | undefined {
  if (value === null) return declared.nullable ? undefined : 'may not be null';
  switch (declared.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'string': {
      if (typeof value !== 'string') return 'must be a string';
      if (declared.values !== undefined && !declared.values.includes(value))
        return `may not be ${shown(value)}; use one of ${declared.values.join(', ')}`;
      if (declared.format === 'email' && !EMAIL.test(value)) return `${shown(value)} is not an email address`;
      if (declared.format === 'uri' && !isHttpUrl(value))
        return `${shown(value)} is not an http or https URL`;
      return undefined;
    }
    default:
      return typeof value === 'object'
        ? undefined
        : `must be ${declared.type === 'array' ? 'a list' : 'an object'}`;
  }
}

function readRelationships(
  schema: ResourceSchema,
  raw: unknown,
  problems: Problems,
): Map<string, readonly string[]> {
  const relationships = new Map<string, readonly string[]>();
  if (raw === undefined) {
    if (schema.relationshipsRequired)
      problems.add(
        'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
        "The resource's 'relationships' are required",
        '/data/relationships',
      );
    else requireEach(schema, {}, problems);
    return relationships;
  }
  if (!isObject(raw)) {
    problems.add(
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      "'relationships' must be an object",
      '/data/relationships',
    );
    return relationships;
  }
  for (const [name, value] of Object.entries(raw)) {
    const pointer = `/data/relationships/${pointerPart(name)}`;
    const declared = schema.relationships.get(name);
    if (declared === undefined) {
      problems.add(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        `${shown(name)} is not a relationship of ${schema.type} that can be written`,
        pointer,
      );
      continue;
    }
    const data = isObject(value) ? value.data : undefined;
    if (declared.toMany) {
      if (!Array.isArray(data)) {
        problems.add(
          'ENTITY_ERROR.RELATIONSHIP.INVALID',
          `${name} must be {"data": [{"type": "${declared.target}", "id": ...}]}`,
          pointer,
        );
        continue;
      }
      relationships.set(name, identifiers(data, declared.target, `${pointer}/data`, problems));
    } else {
      if (!isObject(data)) {
        problems.add(
          'ENTITY_ERROR.RELATIONSHIP.INVALID',
          `${name} must be {"data": {"type": "${declared.target}", "id": ...}}`,
          pointer,
        );
        continue;
      }
      relationships.set(name, identifiers([data], declared.target, `${pointer}/data`, problems, false));
    }
  }
  requireEach(schema, raw, problems);
  return relationships;
}

function requireEach(schema: ResourceSchema, raw: Record<string, unknown>, problems: Problems): void {
  for (const [name, declared] of schema.relationships)
    if (declared.required && !Object.hasOwn(raw, name))
      problems.add(
        'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
        `The relationship '${name}' is required`,
        `/data/relationships/${name}`,
      );
}

/** The ids of resource identifiers `{type, id}` of `target`, each once; `indexed` pointers name the item. */
function identifiers(
  items: readonly unknown[],
  target: string,
  pointer: string,
  problems: Problems,
  indexed = true,
): string[] {
  if (items.length > MAX_LINKAGES) {
    problems.add(
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      `At most ${MAX_LINKAGES} ${target} in one request, not ${items.length}`,
      pointer,
    );
    return [];
  }
  const ids = new Set<string>();
  items.forEach((item, index) => {
    const at = indexed ? `${pointer}/${index}` : pointer;
    if (!isObject(item) || item.type !== target) {
      problems.add(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        `Each item must be {"type": "${target}", "id": ...}`,
        `${at}/type`,
      );
      return;
    }
    if (typeof item.id !== 'string' || item.id.length === 0 || item.id.length > MAX_ID) {
      problems.add(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        `The id of ${target} must be a string of 1 to ${MAX_ID} characters`,
        `${at}/id`,
      );
      return;
    }
    ids.add(item.id);
  });
  return [...ids];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** A client's value in a detail: JSON, clipped, without control characters. */
function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return visibleText(text.length > 64 ? `${text.slice(0, 63)}…` : text);
}

/** A member name as one step of a JSON pointer (RFC 6901: `~` and `/` escaped), clipped. */
function pointerPart(name: string): string {
  return visibleText(name.slice(0, 64)).replaceAll('~', '~0').replaceAll('/', '~1');
}
