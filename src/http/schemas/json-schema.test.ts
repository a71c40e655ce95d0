import { Type as TypeBox } from 'typebox';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { Type } from './json-schema.js';

/** Every own member, enumerable or not, in order: what TypeBox, Fastify and `typebox/value` can see. */
function members(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(members);
  return Object.getOwnPropertyNames(value).map((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    return [name, descriptor?.enumerable, members(descriptor?.value)];
  });
}

/** Each builder the server's schemas use, with the options they pass, made by both. */
function schemas(T: typeof Type) {
  return {
    integer: T.Integer(),
    integerBounded: T.Integer({ minimum: 0, maximum: 0xffff_ffff }),
    number: T.Number({ exclusiveMinimum: 0, maximum: 1 }),
    string: T.String(),
    stringBounded: T.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z]{1,16}$' }),
    boolean: T.Boolean(),
    array: T.Array(T.Object({ id: T.String() })),
    arrayBounded: T.Array(T.String(), { minItems: 1, maxItems: 3 }),
    literals: T.Object({ s: T.Literal('apps'), n: T.Literal(1), b: T.Literal(true) }),
    unknown: T.Unknown(),
    empty: T.Object({}),
    closed: T.Object(
      {
        a: T.String(),
        b: T.Optional(T.Integer({ minimum: 1 })),
        c: T.Optional(T.Object({ d: T.Boolean() })),
      },
      { additionalProperties: false },
    ),
    allOptional: T.Optional(T.Object({ a: T.Optional(T.String()) })),
  };
}

describe('the JSON Schema builders', () => {
  it('make the objects TypeBox makes, member for member, its marks included', () => {
    const ours = schemas(Type);
    const typebox = schemas(TypeBox as unknown as typeof Type);
    for (const name of Object.keys(typebox) as (keyof typeof typebox)[]) {
      expect({ name, schema: members(ours[name]) }).toEqual({ name, schema: members(typebox[name]) });
    }
  });

  it('leave the schema they make optional as it was', () => {
    const inner = Type.String();
    const optional = Type.Optional(inner);
    expect(Object.getOwnPropertyNames(inner)).not.toContain('~optional');
    expect(Object.getOwnPropertyDescriptor(optional, '~optional')?.value).toBe(true);
  });

  it('are checked by typebox/value as TypeBox schemas are', () => {
    const { closed } = schemas(Type);
    const typebox = schemas(TypeBox as unknown as typeof Type).closed;
    for (const value of [{ a: 'x' }, { a: 1 }, { b: 0 }, { a: 'x', c: { d: 'no' }, e: 1 }, []]) {
      expect([...Value.Errors(closed, value)]).toEqual([...Value.Errors(typebox, value)]);
    }
    expect(Value.Check(closed, { a: 'x', b: 2 })).toBe(true);
  });
});
