// Builds dist/main.js, the command `beta-metrics` (package.json's bin), as one bundle with its chunks in
// dist/chunks/: docs/architecture.md, "Start-up". `npm run build` runs it after tsc, which type-checks and
// emits the library's entries (./ingest, ./client, ./testing); `--watch` rebuilds on every change.
//
// Why a bundle: Node 20 reads, resolves and compiles every module of a start one by one, and `serve` loaded
// about 900 of them (Kysely 263, Fastify and its dependencies 150, our own 300): 715-857 ms from spawn to the
// first answer on the benchmark's store, against 456-513 ms for the same code bundled (BENCHMARKS.md).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { context } from 'esbuild';

/**
 * Packages left to Node at run time: native code (better-sqlite3, sharp and heic-decode's decoder) cannot be
 * bundled, and pg-native is an optional addon `pg` looks for.
 */
const NATIVE = ['better-sqlite3', 'sharp', 'heic-decode', 'pg-native'];

/**
 * Fastify's schema compilers and `inject`'s request maker, with what they load: required from node_modules on
 * first use (src/http/lazy-schema-compilers.ts), as before there was a bundle, rather than parsed with it
 * at every start (900 KB of its 3.8 MB; ready 15-35 ms sooner, medians of 9 starts alternating with the
 * plain bundle).
 */
const LOADED_WHEN_NEEDED = [
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'light-my-request',
  'ajv',
  'ajv-formats',
  'fast-json-stringify',
];

/**
 * src/storage/kysely.ts takes Kysely's values from its CommonJS build through `createRequire`, which a
 * bundler cannot follow: in the bundle the same names come from Kysely's ES module build instead, so that
 * only the parts the server uses are inlined. The names are read from the module's own `export const`s; a
 * name the rest of the code imports and this list lacks fails the build.
 */
const kyselyFromItsModules = {
  name: 'kysely-from-its-modules',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]storage[\\/]kysely\.ts$/ }, ({ path }) => {
      const names = [...readFileSync(path, 'utf8').matchAll(/^export const (\w+)\b/gm)].map(
        (match) => match[1],
      );
      if (names.length === 0) throw new Error(`${path} exports no value: scripts/bundle.mjs needs updating`);
      return { contents: `export { ${names.join(', ')} } from 'kysely';`, loader: 'ts' };
    });
  },
};

/**
 * `pg` asks as it loads whether it runs in a Cloudflare Worker (node_modules/pg/lib/stream.js), and on Node
 * 20 the question reads the global `Response`, which loads Node's fetch (undici): 24-30 ms of every
 * PostgreSQL start, for a server that never fetches. The bundle is for Node (`platform: 'node'`), so the
 * answer is no. A `pg` whose stream.js no longer asks this way fails the build, to be looked at again.
 */
const pgOnNode = {
  name: 'pg-on-node',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const asked = 'if (isCloudflareRuntime()) {';
      if (!text.includes(asked))
        throw new Error(`${path} changed: look again at pgOnNode in scripts/bundle.mjs`);
      return { contents: text.replace(asked, 'if (false) {'), loader: 'js' };
    });
  },
};

/** Chunks are named by their content: an earlier build's are removed before each build writes its own. */
const freshChunks = {
  name: 'fresh-chunks',
  setup(build) {
    build.onStart(() => rmSync('dist/chunks', { recursive: true, force: true }));
  },
};

/**
 * What each output file holds and imports, as esbuild saw it (dist/main.meta.json):
 * test/e2e/command-bundle.test.ts reads it to check that the command loads no package's files one by one.
 */
const writeMetafile = {
  name: 'write-metafile',
  setup(build) {
    build.onEnd((result) => {
      if (result.metafile !== undefined)
        writeFileSync('dist/main.meta.json', JSON.stringify(result.metafile));
    });
  },
};

const watch = process.argv.includes('--watch');
const builder = await context({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...NATIVE, ...LOADED_WHEN_NEEDED],
  // Names kept: stack traces stay readable; spaces and syntax minified: less for V8 to scan at every start.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS packages inside an ES module bundle still call `require` (for Node's own modules).
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  metafile: true,
  plugins: [kyselyFromItsModules, pgOnNode, freshChunks, writeMetafile],
  logLevel: watch ? 'info' : 'warning',
});
if (watch) {
  await builder.watch();
} else {
  try {
    await builder.rebuild();
  } finally {
    await builder.dispose();
  }
}
