import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { repoPath, resolveRelative } from '../support/import-graph.js';
import { REPO_ROOT } from '../support/package-checks.js';

/**
 * Packages loading `beta-metrics` must not load: each is dozens to hundreds of modules or a native library,
 * and Node 20 loads ES modules one by one (about 1 ms each on the benchmark's machine), all before `serve`
 * answers. TypeBox is only compiled against (src/http/schemas/json-schema.ts builds its schemas); Kysely's
 * values come from its CommonJS build (src/storage/kysely.ts); `pg` loads with a PostgreSQL store
 * (storage/postgres/backend.ts); typebox/value, sharp and heic-decode where a request needs them.
 */
const NOT_AT_START = [/^typebox(\/|$)/, /^kysely(\/|$)/, /^pg$/, /^sharp$/, /^heic-decode$/];

/**
 * The specifiers a source loads when it is loaded: static imports and re-exports that stay in the output
 * (`import type` and `export type` are erased; `import { type A }` is not, under verbatimModuleSyntax), not
 * `import()` calls, which load when they run.
 */
function loadedSpecifiers(text: string): string[] {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

it('loads none of the heavy packages before serving', () => {
  // main.ts sizes the heap, then loads command-line.ts, the CLI's root.
  const entry = join(REPO_ROOT, 'src/main/command-line.ts');
  const seen = new Map<string, string | undefined>([[entry, undefined]]);
  const pending = [entry];
  const loaded: string[] = [];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    for (const specifier of loadedSpecifiers(readFileSync(file, 'utf8'))) {
      const target = resolveRelative(file, specifier);
      if (target === undefined) {
        if (NOT_AT_START.some((pattern) => pattern.test(specifier)))
          loaded.push(`${specifier} <- ${chain(seen, file).join(' <- ')}`);
      } else if (target.endsWith('.ts') && !seen.has(target)) {
        seen.set(target, file);
        pending.push(target);
      }
    }
  }
  expect(seen.size).toBeGreaterThan(100);
  expect(loaded).toEqual([]);
});

function chain(importedBy: ReadonlyMap<string, string | undefined>, file: string): string[] {
  const files: string[] = [];
  for (let at: string | undefined = file; at !== undefined; at = importedBy.get(at)) files.push(repoPath(at));
  return files;
}
