import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, it } from 'vitest';
import { importSpecifiers, resolveRelative } from '../support/import-graph.js';
import { REPO_ROOT } from '../support/package-checks.js';

/**
 * The layer order of docs/architecture.md, checked on every import of every source file (tests aside):
 * `domain <- storage <- services <- {http (with its error catalog), dashboard, cli} <- main`, the client
 * packages apart over wire-common. A layer imports itself and the layers this table names, nothing else; the
 * API (src/http) and the dashboard are sibling doors that import nothing of each other, and neither reaches
 * the store except through services.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'wire-common': [],
  domain: [],
  errors: [],
  storage: ['domain'],
  services: ['domain', 'storage', 'wire-common'],
  http: ['domain', 'services', 'errors', 'wire-common'],
  dashboard: ['domain', 'services'],
  cli: ['domain', 'storage', 'services', 'client', 'wire-common'],
  // The composition root: config -> store -> services -> doors -> listen; it may use every layer.
  main: ['domain', 'storage', 'services', 'errors', 'http', 'dashboard', 'cli', 'wire-common'],
  // beta-metrics/testing: a server in the test suite's process, composed like main, with a client of its
  // test controls.
  testing: ['domain', 'storage', 'services', 'http', 'main', 'wire-common'],
  client: ['wire-common'],
  'ingest-client': ['wire-common'],
};

const SRC = join(REPO_ROOT, 'src');

/** The layer of a file under src/: its top folder (`src/main.ts` belongs to main). */
function layerOf(file: string): string {
  const [top = ''] = relative(SRC, file).split(sep);
  return top === 'main.ts' ? 'main' : top;
}

const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts') && !/\.test(-suite)?\.ts$/.test(path))
  .map((path) => join(SRC, path));

it('names every top folder of src in the layer table', () => {
  expect([...new Set(sources.map(layerOf))].filter((layer) => MAY_IMPORT[layer] === undefined)).toEqual([]);
});

it('keeps every import of every source file within the layer order', () => {
  const violations = sources.flatMap((file) => {
    const from = layerOf(file);
    const allowed = new Set([from, ...(MAY_IMPORT[from] ?? [])]);
    return importSpecifiers(readFileSync(file, 'utf8'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target): target is string => target !== undefined && !allowed.has(layerOf(target)))
      .map((target) => `${relative(REPO_ROOT, file)} (${from}) imports ${relative(REPO_ROOT, target)}`);
  });
  expect(violations).toEqual([]);
});
