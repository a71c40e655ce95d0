import { expect } from 'vitest';
import { runCli } from './cli-process.js';

/**
 * An operator's set-up through the BUILT CLI (`npm run build` first), on the store `storeArgs` names
 * (`--database-url URL` or `--data-dir DIR`): what an e2e test needs before it starts servers.
 */
export interface ApiKeyJson {
  readonly keyId: string;
  readonly issuerId: string | null;
  readonly keyFile: string;
}

/** Runs a `--json` command, expects exit 0 and parses what it printed. */
export async function cliJson<T>(args: readonly string[]): Promise<T> {
  const result = await runCli([...args, '--json']);
  expect(result.code, `${args.slice(0, 2).join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** `keys create`: the .p8 goes to `outDir`; `testing` gives the key the TESTING capability. */
export function createApiKey(
  storeArgs: readonly string[],
  outDir: string,
  name: string,
  role = 'ADMIN',
  testing = false,
): Promise<ApiKeyJson> {
  return cliJson<ApiKeyJson>([
    'keys',
    'create',
    '--name',
    name,
    '--role',
    role,
    ...(testing ? ['--testing'] : []),
    '--out',
    outDir,
    ...storeArgs,
  ]);
}

/** `token`: a fresh 20-minute token of `key`, as `Bearer <JWT>`. */
export async function bearerToken(key: ApiKeyJson): Promise<string> {
  const minted = await runCli([
    'token',
    '--key-file',
    key.keyFile,
    '--key-id',
    key.keyId,
    ...(key.issuerId === null ? [] : ['--issuer-id', key.issuerId]),
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  return `Bearer ${minted.stdout.trim()}`;
}

/** `apps create`: the new app's id. */
export async function createAppId(storeArgs: readonly string[], name: string): Promise<string> {
  const bundleId = `com.example.${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const app = await cliJson<{ id: string }>([
    'apps',
    'create',
    '--name',
    name,
    '--bundle-id',
    bundleId,
    ...storeArgs,
  ]);
  return app.id;
}

/** `testers add`, `count` times (a few at once): the new testers' ids, sorted as the endpoint orders them. */
export async function addTesters(
  storeArgs: readonly string[],
  appId: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let first = 0; first < count; first += 6) {
    const batch = Array.from({ length: Math.min(6, count - first) }, (_, n) =>
      cliJson<{ id: string }>([
        'testers',
        'add',
        '--app',
        appId,
        '--email',
        `tester${first + n}.${appId}@example.com`,
        ...storeArgs,
      ]),
    );
    for (const tester of await Promise.all(batch)) ids.push(tester.id);
  }
  // Byte order, as the endpoint pages (the ids are lower-case UUIDs).
  return ids.sort();
}

/** `ingest-keys create`: the secret a beta app sends as `Bearer <key>`. */
export async function createIngestKey(storeArgs: readonly string[], appId: string): Promise<string> {
  const created = await cliJson<{ appId: string; key: string }>([
    'ingest-keys',
    'create',
    '--app',
    appId,
    ...storeArgs,
  ]);
  expect(created.appId).toBe(appId);
  return created.key;
}

export { pollUntil } from './poll-until.js';
