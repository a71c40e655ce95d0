import type { Type as TypeBox } from 'typebox';

/**
 * The part of TypeBox's `Type` the server's schemas use, built here, with TypeBox's types. TypeBox is only
 * compiled against: importing it loads 679 ES modules (300-600 ms of every `serve` start on the benchmark's
 * machine, most of the time to ready) to make plain JSON Schema objects. These functions make the very objects
 * TypeBox 1.x makes, members in the same order and its non-enumerable `~kind` and `~optional` marks included,
 * so Fastify's serializers and validators, `typebox/value` (the fault rules' body check) and `Static` see no
 * difference; json-schema.test.ts compares every builder with TypeBox's.
 */
type Builders = Pick<
  typeof TypeBox,
  'Object' | 'Integer' | 'Number' | 'String' | 'Boolean' | 'Array' | 'Literal' | 'Optional' | 'Unknown'
>;

type Schema = Record<string, unknown>;

function marked<T extends Schema>(schema: T, mark: '~kind' | '~optional', value: unknown): T {
  Object.defineProperty(schema, mark, { value, writable: true, enumerable: false, configurable: true });
  return schema;
}

function isOptional(schema: unknown): boolean {
  return (schema as { '~optional'?: unknown })['~optional'] === true;
}

const scalar =
  (type: string, kind: string) =>
  (options?: object): Schema =>
    marked({ type, ...options }, '~kind', kind);

function object(properties: Record<string, unknown>, options?: object): Schema {
  const required = Object.keys(properties).filter((name) => !isOptional(properties[name]));
  return marked(
    { type: 'object', ...(required.length > 0 && { required }), properties, ...options },
    '~kind',
    'Object',
  );
}

function optional(schema: Schema): Schema {
  const copy = marked({ ...schema }, '~kind', schema['~kind']);
  return marked(copy, '~optional', true);
}

export const Type: Builders = {
  Object: object as unknown as Builders['Object'],
  Integer: scalar('integer', 'Integer') as unknown as Builders['Integer'],
  Number: scalar('number', 'Number') as unknown as Builders['Number'],
  String: scalar('string', 'String') as unknown as Builders['String'],
  Boolean: scalar('boolean', 'Boolean') as unknown as Builders['Boolean'],
  Array: ((items: unknown, options?: object) =>
    marked({ type: 'array', items, ...options }, '~kind', 'Array')) as unknown as Builders['Array'],
  Literal: ((value: string | number | boolean) =>
    marked({ type: typeof value, const: value }, '~kind', 'Literal')) as unknown as Builders['Literal'],
  Optional: optional as unknown as Builders['Optional'],
  Unknown: ((options?: object) =>
    marked({ ...options }, '~kind', 'Unknown')) as unknown as Builders['Unknown'],
};
