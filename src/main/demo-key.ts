import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Services } from '../services/services.js';

export interface DemoKey {
  readonly keyId: string;
  readonly issuerId: string;
  readonly keyFile: string;
  readonly privateKeyPem: string;
}

/**
 * The demo's ADMIN key, under `<data dir>/demo/`: created on the first demo start, reused later as long as its
 * file is there and the key is not revoked. The server itself never stores private keys; this file is the
 * operator's copy, as Apple's download would be.
 */
export async function ensureDemoKey(services: Services, dataDir: string): Promise<DemoKey> {
  const directory = join(resolve(dataDir), 'demo');
  const recordFile = join(directory, 'demo-key.json');
  const known = await readKnownKey(recordFile);
  if (known !== undefined) {
    const stored = await services.apiKeys.list();
    const key = stored.find((candidate) => candidate.keyId === known.keyId);
    if (key !== undefined && key.revokedAt === null && known.issuerId === services.apiKeys.issuerId) {
      const privateKeyPem = await readFile(known.keyFile, 'utf8').catch(() => undefined);
      if (privateKeyPem !== undefined) return { ...known, privateKeyPem };
    }
  }
  const created = await services.apiKeys.create({ name: 'Demo key', role: 'ADMIN' });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const keyFile = join(directory, `AuthKey_${created.keyId}.p8`);
  await writeFile(keyFile, created.privateKeyPem, { mode: 0o600 });
  const record = { keyId: created.keyId, issuerId: services.apiKeys.issuerId, keyFile };
  await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return { ...record, privateKeyPem: created.privateKeyPem };
}

async function readKnownKey(file: string): Promise<Omit<DemoKey, 'privateKeyPem'> | undefined> {
  try {
    const record: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof record !== 'object' || record === null) return undefined;
    const { keyId, issuerId, keyFile } = record as Record<string, unknown>;
    if (typeof keyId !== 'string' || typeof issuerId !== 'string' || typeof keyFile !== 'string')
      return undefined;
    return { keyId, issuerId, keyFile };
  } catch {
    return undefined;
  }
}
