import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, repoPath } from '../support/import-graph.js';
import { REPO_ROOT } from '../support/package-checks.js';

// The published subpaths are bundled into apps and scripts that never run the server: they may import their own
// folder and src/wire-common (what both ends of the wire share), and packages, nothing else of this repository.
const SHARED = 'src/wire-common/';
const PACKAGES = [
  { name: 'beta-metrics/client', folder: 'src/client/' },
  { name: 'beta-metrics/ingest', folder: 'src/ingest-client/' },
];

describe.each(PACKAGES)('$name', ({ folder }) => {
  const graph = importGraph([join(REPO_ROOT, folder, 'index.ts')]);
  const reached = [...graph.files].map(repoPath);

  it('imports only its own folder and src/wire-common', () => {
    expect(reached).toContain(`${folder}index.ts`);
    const outside = [...graph.files]
      .filter((file) => !repoPath(file).startsWith(folder) && !repoPath(file).startsWith(SHARED))
      .map((file) => graph.chainTo(file).join(' -> '));
    expect(outside).toEqual([]);
  });

  it('reaches no test file', () => {
    expect(reached.filter((file) => /\.test(-suite)?\.ts$/.test(file))).toEqual([]);
  });
});

describe('beta-metrics/ingest', () => {
  it('reaches no Node built-in, in the shared code it uses as well (it runs in browsers and React Native)', () => {
    const graph = importGraph([join(REPO_ROOT, 'src/ingest-client/index.ts')]);
    const builtIns = [...graph.files].flatMap((file) =>
      graph
        .specifiersOf(file)
        .filter((specifier) => specifier.startsWith('node:'))
        .map((specifier) => `${repoPath(file)} imports ${specifier}`),
    );
    expect(builtIns).toEqual([]);
  });
});
