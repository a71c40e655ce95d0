import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CATALOG } from './catalog.js';

/** docs/errors.md documents the catalog; this keeps the two in step (CONVENTIONS.md item 5). */
it('docs/errors.md lists exactly the codes of the catalog, with their statuses and titles', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = doc
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => /^`[A-Z_.]+`$/.test(cells[1] ?? ''))
    .map(([, code, status, title]) => [code?.slice(1, -1), Number(status), title]);
  const catalog = Object.entries(ERROR_CATALOG).map(([code, { status, title }]) => [code, status, title]);
  expect(documented).toEqual(catalog);
});
