import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: where package.json is, so Node resolves the package's own name through its exports. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** True once `npm run build` has emitted `relativePath` (like `dist/ingest-client/index.js`). */
export const isBuilt = (relativePath: string) => existsSync(join(REPO_ROOT, relativePath));

export interface NodeRun {
  readonly code: number | null;
  /** True when the process was killed at the time limit: it did not end by itself. */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an ES module source with a fresh Node process in the repository root. */
export function runNodeModule(source: string, timeoutMs = 15_000): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', source],
      { cwd: REPO_ROOT, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const timedOut = error?.killed === true;
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, timedOut, stdout, stderr });
      },
    );
  });
}

/** The TypeScript files of a source folder (tests excluded), with their text. */
export async function sourceFiles(relativeDir: string): Promise<Array<{ name: string; text: string }>> {
  const dir = join(REPO_ROOT, relativeDir);
  const names = (await readdir(dir)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}
