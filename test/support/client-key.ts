import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An App Store Connect style key: P-256, the private half as the PKCS#8 PEM of an AuthKey_<KEYID>.p8. */
export interface ClientKey {
  readonly keyId: string;
  readonly issuerId: string;
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
}

export function clientKey(keyId = '2X9R4HXF34'): ClientKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyId,
    issuerId: '57246542-96fe-1a63-e053-0824d011072a',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
  };
}

/** Writes the key as Apple's download names it, in `dir`; returns the file's path. */
export function writeKeyFile(dir: string, key: { keyId: string; privateKeyPem: string }): string {
  const file = join(dir, `AuthKey_${key.keyId}.p8`);
  writeFileSync(file, key.privateKeyPem, { mode: 0o600 });
  return file;
}
