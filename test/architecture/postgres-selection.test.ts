import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/package-checks.js';
import { NOT_ON_POSTGRES, postgresSelection } from '../support/postgres-selection.js';

// vitest.config.ts derives the postgres project's files from imports (test/support/postgres-selection.ts). This
// checks the derivation against what the tests do: a test that calls anything that opens a store must run on
// PostgreSQL too, or say in NOT_ON_POSTGRES why not. So a new store-backed test never runs on SQLite alone.

/** The functions that open a store. */
const OPENERS = ['createHarness', 'testStoreLocation', 'openStore'];

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const callsAny = (text: string, names: ReadonlySet<string>) =>
  [...names].some((name) => new RegExp(`\\b${name}\\(`).test(text));

/** The top-level functions of a source with the text of their bodies. */
function functionBodies(path: string): Array<{ name: string; body: string }> {
  const source = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true);
  const found: Array<{ name: string; body: string }> = [];
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name !== undefined && statement.body !== undefined) {
      found.push({ name: statement.name.text, body: statement.body.getText(source) });
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer;
        if (ts.isIdentifier(declaration.name) && value !== undefined && ts.isArrowFunction(value)) {
          found.push({ name: declaration.name.text, body: value.body.getText(source) });
        }
      }
    }
  }
  return found;
}

/** The test code whose functions tests call: test/support and the shared suites (`*.test-suite.ts`). */
const helperFiles = () => [
  ...readdirSync(join(REPO_ROOT, 'test/support'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `test/support/${name}`),
  ...readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test-suite.ts'))
    .map((name) => `src/${name.split('\\').join('/')}`),
];

/** The openers, and every helper function that calls one, to a fixed point (by name, not by import). */
function storeOpeners(): Set<string> {
  const functions = helperFiles().flatMap(functionBodies);
  const openers = new Set(OPENERS);
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, body } of functions) {
      if (!openers.has(name) && callsAny(body, openers)) {
        openers.add(name);
        grew = true;
      }
    }
  }
  return openers;
}

describe('the tests that run on PostgreSQL', () => {
  const selection = postgresSelection();
  const selected = new Set(selection.files);
  const openers = storeOpeners();
  const opensStore = selection.candidates.filter((path) => callsAny(read(path), openers));

  it('find the store openers of test/support', () => {
    expect(openers).toEqual(expect.objectContaining(new Set([...OPENERS, 'createStoreApp'])));
    expect(opensStore).toContain('src/http/routes/beta-tester-usages.test.ts');
  });

  it('include every test that opens a store, unless NOT_ON_POSTGRES says why', () => {
    const missing = opensStore.filter((path) => !selected.has(path) && !(path in NOT_ON_POSTGRES));
    // Take the store from test/support/test-database.ts (testStoreLocation, or the harness), or add the file
    // to NOT_ON_POSTGRES in test/support/postgres-selection.ts with the reason.
    expect(missing).toEqual([]);
  });

  it('leave out only tests that open a store, are there, and are not selected', () => {
    const stale = Object.keys(NOT_ON_POSTGRES).filter(
      (path) => !opensStore.includes(path) || selected.has(path),
    );
    expect(stale).toEqual([]);
  });

  it('are what vitest.config.ts runs in the postgres project', () => {
    expect(read('vitest.config.ts')).toMatch(
      /name: 'postgres',\s+\/\/[^\n]*\n\s+include: \[\.\.\.postgresSelection\(\)\.files\]/,
    );
  });

  it('include the PostgreSQL storage suites', () => {
    const postgresOnly = selection.candidates.filter((path) => path.startsWith('src/storage/postgres/'));
    expect(postgresOnly.length).toBeGreaterThan(0);
    expect(postgresOnly.filter((path) => !selected.has(path))).toEqual([]);
  });
});
