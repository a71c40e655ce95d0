import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;

/** Fastify's own compilers, required from where Fastify requires them (they are its dependencies, not ours). */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

/**
 * Fastify's default schema compilers, the same ones, loaded and run when a schema is first used instead of
 * while the server starts. Fastify requires both at `Fastify()` and builds every route's response serializer
 * before it listens: with Ajv and fast-json-stringify that is about 120 CommonJS files and one build per GET
 * route, all before `serve` answers (docs/architecture.md). A route's serializer is now built on that route's
 * first answer, with the same options and schema, so it writes the same bytes; the first answer with a schema
 * (an API read; `/healthz` has none, routes/health.ts) loads fast-json-stringify and Ajv. No route validates
 * with a schema (the API reads its queries and bodies itself), so the validator compiler loads only if one ever
 * does. A factory of ours counts as a custom compiler, which changes only how Fastify hands a `headers` schema
 * over (as written rather than with lower-cased names): no route has one.
 */
export const LAZY_SCHEMA_COMPILERS: CompilersFactory = {
  buildSerializer: lazySerializerFactory(),
  buildValidator: lazyValidatorFactory(),
};

function lazySerializerFactory(): SerializerFactory {
  let selector: SerializerFactory | undefined;
  return (externalSchemas, options) => {
    let compiler: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      let serialize: ((document: unknown) => string) | undefined;
      return (document) => {
        if (serialize === undefined) {
          selector ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)();
          compiler ??= selector(externalSchemas, options);
          serialize = compiler(route);
        }
        return serialize(document);
      };
    };
  };
}

function lazyValidatorFactory(): ValidatorFactory {
  let selector: ValidatorFactory | undefined;
  return ((externalSchemas: unknown, options: unknown) => {
    selector ??= (fastifyRequire('@fastify/ajv-compiler') as () => ValidatorFactory)();
    return (selector as (schemas: unknown, options: unknown) => unknown)(externalSchemas, options);
  }) as ValidatorFactory;
}
