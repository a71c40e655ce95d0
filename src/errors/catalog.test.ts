import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CATALOG } from './catalog.js';

/** docs/errors.md documents the catalog; this keeps the two in step (CONVENTIONS.md item 5). */
it('docs/errors.md lists exactly the codes of the catalog, with their statuses and titles', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z_.]+)` \| (\d{3}) \| ([^|]+?) \|/gm)].map(
    ([, code, status, title]) => [code, Number(status), title],
  );
  const catalog = Object.entries(ERROR_CATALOG).map(([code, { status, title }]) => [code, status, title]);
  expect(documented).toEqual(catalog);
});
