import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The server and the wire tests read vendored copies of the shared spec files (the OpenAPI slice in spec/, which
 * the server reads at runtime; Apple's page in test/fixtures/spec) so the repository works on its own. Where the
 * shared originals are at hand (../shared/spec beside the repository), the copies must be byte-identical to them,
 * so a spec update cannot be missed.
 */

const REPO_ROOT = new URL('../../', import.meta.url);
const VENDORED_DIRS = [
  fileURLToPath(new URL('spec/', REPO_ROOT)),
  fileURLToPath(new URL('test/fixtures/spec/', REPO_ROOT)),
];
const SHARED_DIR = fileURLToPath(new URL('../shared/spec/', REPO_ROOT));
const READ_BY_TESTS = ['asc-openapi-4.4.1-testflight.json', 'seed-read-beta-tester-metrics-for-an-app.md'];
const sharedMissing = !existsSync(SHARED_DIR);

if (sharedMissing) {
  console.info(
    `spec-fixtures: skipped, ${SHARED_DIR} does not exist (a checkout without the shared spec beside it); ` +
      'the vendored copies in spec/ and test/fixtures/spec cannot be compared with their originals.',
  );
}

describe('vendored spec files', () => {
  it('include every file the wire tests read', () => {
    expect(VENDORED_DIRS.flatMap((dir) => readdirSync(dir))).toEqual(expect.arrayContaining(READ_BY_TESTS));
  });

  it.skipIf(sharedMissing)('are byte-identical to ../shared/spec', () => {
    const vendored = VENDORED_DIRS.flatMap((dir) => readdirSync(dir).map((name) => ({ dir, name })));
    expect(vendored.length).toBeGreaterThan(0);
    for (const { dir, name } of vendored) {
      const shared = `${SHARED_DIR}${name}`;
      expect(existsSync(shared), `${name} has no original in ${SHARED_DIR}`).toBe(true);
      const same = readFileSync(`${dir}${name}`).equals(readFileSync(shared));
      expect(same, `${name} differs from ${shared}`).toBe(true);
    }
  });
});
