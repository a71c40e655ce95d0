import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI } from '../support/cli-process.js';

/**
 * The command is one bundle (scripts/bundle.mjs, docs/architecture.md, "Start-up"): what it loads before it
 * runs a line of ours is its own few files, Node's built-ins and the native packages Node must load itself,
 * never the hundreds of modules of Fastify, Kysely and their dependencies one by one. esbuild says what each
 * output file holds and imports in dist/main.meta.json, written with the bundle.
 */
const ROOT = dirname(dirname(CLI));

interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

const metafile = () => JSON.parse(readFileSync(join(ROOT, 'dist/main.meta.json'), 'utf8')) as Metafile;
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const NATIVE = new Set(['better-sqlite3', 'sharp', 'heic-decode', 'pg-native']);
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

it('is the entry dist/main.js, with Fastify and the used parts of Kysely inside it', () => {
  const { outputs } = metafile();
  expect(outputs['dist/main.js']?.entryPoint).toBe('src/main.ts');
  const inputs = Object.values(outputs).flatMap((output) => Object.keys(output.inputs));
  expect(inputs.some((input) => input.startsWith('node_modules/fastify/'))).toBe(true);
  expect(inputs.some((input) => input.startsWith('node_modules/kysely/dist/esm/'))).toBe(true);
  expect(inputs.some((input) => input.startsWith('node_modules/kysely/dist/cjs/'))).toBe(false);
  for (const file of Object.keys(outputs)) expect(existsSync(join(ROOT, file)), file).toBe(true);
});

it('imports nothing but Node built-ins and native packages, and requires only what Fastify loads when needed', () => {
  const { outputs } = metafile();
  const fastifyDependencies = Object.keys(
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/fastify/package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies,
  );
  const imported = new Set<string>();
  const required = new Set<string>();
  for (const output of Object.values(outputs))
    for (const dependency of output.imports) {
      if (dependency.external !== true || builtins.has(dependency.path)) continue;
      (dependency.kind === 'require-call' ? required : imported).add(packageOf(dependency.path));
    }
  expect([...imported].filter((name) => !NATIVE.has(name))).toEqual([]);
  expect(imported).toContain('better-sqlite3');
  expect([...required].filter((name) => !NATIVE.has(name) && !fastifyDependencies.includes(name))).toEqual(
    [],
  );
});

it("loads PostgreSQL's driver without loading Node's fetch", () => {
  const { outputs } = metafile();
  const backend = Object.entries(outputs).find(
    ([file, output]) => file.endsWith('.js') && 'src/storage/postgres/backend.ts' in output.inputs,
  );
  expect(backend).toBeDefined();
  // `pg` asks whether it runs in a Cloudflare Worker by reading the global `Response` (scripts/bundle.mjs).
  const loaded = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(join(ROOT, backend?.[0] ?? ''))}); console.log(JSON.stringify(process.moduleLoadList.filter((name) => /undici/.test(name))));`,
    ],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(loaded)).toEqual([]);
});
