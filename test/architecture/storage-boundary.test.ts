import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * Each service takes the narrow store interfaces it uses; only the composition code (services/services.ts)
 * takes the whole Store. (That the edges reach the store only through services is layers.test.ts.)
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');
const STORAGE = join(SRC, 'storage');
const WHOLE_STORE = join(STORAGE, 'store.ts');
/** The composition code: it opens the store and hands each service its slices. */
const MAY_TAKE_THE_WHOLE_STORE = new Set([join(SRC, 'services/services.ts')]);

interface Import {
  /** The file imported, resolved; undefined for a package. */
  readonly target: string | undefined;
  /** The names imported (`*` for a namespace or a re-export of everything), empty for a side effect. */
  readonly names: readonly string[];
}

/** Every `import ... from '...'`, `import '...'` and `export ... from '...'` of a source file. */
function importsOf(file: string): Import[] {
  const source = readFileSync(file, 'utf8');
  const statement = /^\s*(?:import|export)\s+(?:type\s+)?([^'";]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/gm;
  return [...source.matchAll(statement)].map(([, clause = '', specifier = '']) => ({
    target: specifier.startsWith('.') ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts') : undefined,
    names: namesOf(clause),
  }));
}

function namesOf(clause: string): string[] {
  if (clause.includes('*')) return ['*'];
  const braced = /\{([^}]*)\}/.exec(clause)?.[1];
  const listed = braced === undefined ? [] : braced.split(',');
  return listed
    .map(
      (name) =>
        name
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0] ?? '',
    )
    .filter((name) => name !== '');
}

/** The non-test TypeScript files under `dir`. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !/\.test(-suite)?\.ts$/.test(path))
    .map((path) => join(dir, path));
}

const shown = (file: string) => relative(ROOT, file);

it('lets only the composition code of src/services take the whole Store', () => {
  const violations = sourcesUnder(join(SRC, 'services'))
    .filter((file) => !MAY_TAKE_THE_WHOLE_STORE.has(file))
    .filter((file) =>
      importsOf(file).some(
        ({ target, names }) => target === WHOLE_STORE && (names.includes('Store') || names.includes('*')),
      ),
    )
    .map((file) => `${shown(file)} imports Store from ${shown(WHOLE_STORE)}`);
  expect(violations).toEqual([]);
});
