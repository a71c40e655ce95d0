import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './package-checks.js';

/** A path relative to the repository root with forward slashes, as globs and test names write it. */
export const repoPath = (file: string) => relative(REPO_ROOT, file).split(sep).join('/');

/**
 * Every specifier a TypeScript source imports or re-exports, static or dynamic, `import type` included.
 * TypeScript's own scanner reads them, so specifiers in comments and strings are not taken for imports.
 */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the sources); undefined for packages. */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = join(dirname(fromFile), specifier);
  const typescript = target.replace(/\.js$/, '.ts');
  if (existsSync(typescript)) return typescript;
  return existsSync(target) ? target : undefined;
}

export interface ImportGraph {
  /** Every file reached from the entries, the entries included (absolute paths). */
  readonly files: ReadonlySet<string>;
  /** The chain of imports from an entry to `file`, as repository paths: for messages. */
  chainTo(file: string): string[];
  /** The specifiers each reached file imports, bare ones (packages, `node:` built-ins) included. */
  specifiersOf(file: string): readonly string[];
}

/**
 * Walks relative imports from the entries. A reached file's own imports are followed only when `follow(file)`
 * is true (the entries are always followed); files that cannot be read as sources (JSON) are not followed.
 */
export function importGraph(
  entries: readonly string[],
  follow: (file: string) => boolean = () => true,
  readText: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): ImportGraph {
  const importedBy = new Map<string, string | undefined>();
  const specifiers = new Map<string, string[]>();
  const pending: string[] = [];
  for (const entry of entries) {
    if (!importedBy.has(entry)) importedBy.set(entry, undefined);
    pending.push(entry);
  }
  const entrySet = new Set(entries);
  while (pending.length > 0) {
    const file = pending.pop();
    if (file === undefined || specifiers.has(file)) continue;
    if (!file.endsWith('.ts') || (!entrySet.has(file) && !follow(file))) continue;
    const found = importSpecifiers(readText(file));
    specifiers.set(file, found);
    for (const specifier of found) {
      const target = resolveRelative(file, specifier);
      if (target === undefined || importedBy.has(target)) continue;
      importedBy.set(target, file);
      pending.push(target);
    }
  }
  return {
    files: new Set(importedBy.keys()),
    chainTo(file) {
      const chain: string[] = [];
      for (let at: string | undefined = file; at !== undefined; at = importedBy.get(at))
        chain.unshift(repoPath(at));
      return chain;
    },
    specifiersOf: (file) => specifiers.get(file) ?? [],
  };
}
