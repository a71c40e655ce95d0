import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { repoPath, resolveRelative } from '../support/import-graph.js';
import { REPO_ROOT } from '../support/package-checks.js';

/**
 * Packages loading `beta-metrics` must not load: each is dozens to hundreds of modules or a native library,
 * and Node 20 loads ES modules one by one (about 1 ms each on the benchmark's machine), all before `serve`
 * answers (the tests and the library's entries run tsc's output; the command `serve` is a bundle whose chunks
 * follow the same `import()`s, docs/architecture.md, "Start-up"). TypeBox is only compiled against
 * (src/http/schemas/json-schema.ts builds its schemas); Kysely's values come from its CommonJS build
 * (src/storage/kysely.ts, inlined from its ES modules in the bundle); `pg` loads with a PostgreSQL store
 * (storage/postgres/backend.ts); typebox/value, sharp and heic-decode where a request needs them; jose (48 ES
 * modules) when a token is first verified or signed (services/token-verifier.ts, wire-common/sign-token.ts).
 */
const NOT_AT_START = [/^typebox(\/|$)/, /^kysely(\/|$)/, /^pg$/, /^sharp$/, /^heic-decode$/, /^jose$/];

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

/**
 * What `beta-metrics serve` loads before it answers: the entry, and what it imports when it runs: the CLI's
 * root (src/main.ts loads it once the heap is sized), the `serve` command's module (src/cli/program.ts loads
 * only the command the line names) and the server (src/main/command-line.ts loads it when `serve` runs).
 */
const SERVE_START = [
  'src/main.ts',
  'src/main/command-line.ts',
  'src/cli/commands/serve.ts',
  'src/main/serve.ts',
];

/** Every source file `serve` loads, each with the file that first imports it, and the heavy packages among them. */
function serveStart(): { seen: Map<string, string | undefined>; heavy: string[] } {
  const seen = new Map<string, string | undefined>();
  const pending: string[] = [];
  for (const entry of SERVE_START) {
    seen.set(join(REPO_ROOT, entry), undefined);
    pending.push(join(REPO_ROOT, entry));
  }
  const heavy: string[] = [];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    for (const specifier of loadedSpecifiers(readFileSync(file, 'utf8'))) {
      const target = resolveRelative(file, specifier);
      if (target === undefined) {
        if (NOT_AT_START.some((pattern) => pattern.test(specifier)))
          heavy.push(`${specifier} <- ${chain(seen, file).join(' <- ')}`);
      } else if (target.endsWith('.ts') && !seen.has(target)) {
        seen.set(target, file);
        pending.push(target);
      }
    }
  }
  return { seen, heavy };
}

it('loads none of the heavy packages before serving', () => {
  const { seen, heavy } = serveStart();
  expect(seen.has(join(REPO_ROOT, 'src/main/create-app.ts'))).toBe(true);
  expect(seen.size).toBeGreaterThan(100);
  expect(heavy).toEqual([]);
});

it("loads no other command's module, nor the API client, before serving", () => {
  const { seen } = serveStart();
  const others = [...seen.keys()]
    .map(repoPath)
    .filter(
      (file) =>
        (file.startsWith('src/cli/commands/') && !/^src\/cli\/commands\/serve(-[a-z]+)?\.ts$/.test(file)) ||
        file.startsWith('src/client/'),
    )
    .map((file) => `${file} <- ${chain(seen, seen.get(join(REPO_ROOT, file)) as string).join(' <- ')}`);
  expect(others).toEqual([]);
});

/**
 * Source files `serve` loads only when a start asks for what they do, each with what asks for it: every module
 * is one more file Node 20's ES module loader reads before the server answers.
 */
const ONLY_WHEN_ASKED = {
  'src/main/tls/server-tls.ts': '--tls (main/serve.ts)',
  'src/services/demo/load-demo.ts': '--demo, on its first start (main/serve.ts)',
  'src/storage/migrations/index.ts': 'a store behind the latest schema (storage/open-store.ts)',
};

it('loads the modules of HTTPS, of the demo and of the migrations only when a start needs them', () => {
  const { seen } = serveStart();
  const loaded = Object.keys(ONLY_WHEN_ASKED)
    .filter((file) => seen.has(join(REPO_ROOT, file)))
    .map((file) => `${file} <- ${chain(seen, seen.get(join(REPO_ROOT, file)) as string).join(' <- ')}`);
  expect(loaded).toEqual([]);
});

/**
 * `new Intl.*` (or `Intl.*(...)`) run as a module loads, outside any function: making a formatter loads ICU's
 * locale data (15-25 ms of `serve`'s start for dashboard/format.ts's number format, made before any page).
 */
function intlAtLoad(text: string): string[] {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'Intl'
    )
      found.push(node.getText(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

it('makes no Intl formatter while its modules load', () => {
  const { seen } = serveStart();
  const found = [...seen.keys()].flatMap((file) =>
    intlAtLoad(readFileSync(file, 'utf8')).map((expression) => `${repoPath(file)}: ${expression}`),
  );
  expect(found).toEqual([]);
});

function chain(importedBy: ReadonlyMap<string, string | undefined>, file: string): string[] {
  const files: string[] = [];
  for (let at: string | undefined = file; at !== undefined; at = importedBy.get(at)) files.push(repoPath(at));
  return files;
}
