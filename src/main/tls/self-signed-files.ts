import { randomBytes, type X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { InputError } from '../../services/input-error.js';
import { type CertificatePair, checkPair } from './certificate-pair.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

/** How long a new self-signed certificate is valid: a year, under the 398 days browsers accept. */
export const SELF_SIGNED_VALID_DAYS = 365;
/** A certificate with less left than this is replaced at start rather than expire under a running server. */
const RENEW_WITHIN_MS = 24 * 3_600_000;
/** notBefore lies this far back, so a client whose clock is a little behind accepts it too. */
const BACKDATE_MS = 3_600_000;
const DAY_MS = 86_400_000;

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

/** The loopback names and addresses, and the host listened on when it is a name or another address. */
export function selfSignedHosts(listenHost: string): string[] {
  const host = listenHost.toLowerCase();
  return WILDCARD_HOSTS.has(host) || LOOPBACK.includes(host) ? [...LOOPBACK] : [...LOOPBACK, host];
}

export interface SelfSignedFiles {
  readonly pair: CertificatePair;
  readonly leaf: X509Certificate;
  readonly certFile: string;
  readonly keyFile: string;
  /** False when the files of an earlier start were reused. */
  readonly created: boolean;
}

/**
 * `<data dir>/tls/cert.pem` and `key.pem` (0600): those of an earlier start while they still cover `hosts` and
 * are valid for another day, so a client that trusts the certificate keeps trusting it; else new ones.
 */
export async function ensureSelfSignedCertificate(
  dataDir: string,
  hosts: readonly string[],
  now: Date,
): Promise<SelfSignedFiles> {
  const directory = join(resolve(dataDir), 'tls');
  const certFile = join(directory, 'cert.pem');
  const keyFile = join(directory, 'key.pem');
  const known = await readPair(certFile, keyFile);
  if (known !== undefined) {
    const checked = checkPair(known);
    if ('leaf' in checked && stillServes(checked.leaf, hosts, now)) {
      return { pair: known, leaf: checked.leaf, certFile, keyFile, created: false };
    }
  }
  const pair = createSelfSignedCertificate({
    hosts,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + SELF_SIGNED_VALID_DAYS * DAY_MS),
  });
  const checked = checkPair({ cert: pair.certPem, key: pair.keyPem });
  if (!('leaf' in checked))
    throw new Error(`the new self-signed certificate cannot serve: ${checked.problem.kind}`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await writeAtomically(keyFile, pair.keyPem, 0o600);
    await writeAtomically(certFile, pair.certPem, 0o644);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InputError(
      `cannot write the self-signed certificate under ${directory} (${typeof code === 'string' ? code : 'failed'}); choose a writable --data-dir, or give --tls-cert and --tls-key`,
    );
  }
  return {
    pair: { cert: pair.certPem, key: pair.keyPem },
    leaf: checked.leaf,
    certFile,
    keyFile,
    created: true,
  };
}

async function readPair(certFile: string, keyFile: string): Promise<CertificatePair | undefined> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch {
    return undefined;
  }
}

function stillServes(leaf: X509Certificate, hosts: readonly string[], now: Date): boolean {
  const from = new Date(leaf.validFrom).getTime();
  const to = new Date(leaf.validTo).getTime();
  if (!(from <= now.getTime() && now.getTime() + RENEW_WITHIN_MS < to)) return false;
  return hosts.every((host) =>
    isIP(host) === 0
      ? leaf.checkHost(host, { subject: 'never' }) !== undefined
      : leaf.checkIP(host) !== undefined,
  );
}

/** A reader never sees half a file, and a key file is never readable by others, not even for a moment. */
async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode, flag: 'wx' });
  await chmod(temporary, mode);
  await rename(temporary, file);
}
