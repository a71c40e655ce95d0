import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TlsSource } from '../../cli/cli-deps.js';
import { InputError } from '../../services/input-error.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import { serverTls, shellWord, tlsBanner } from './server-tls.js';

const now = new Date('2026-03-01T12:00:00Z');
const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-tls-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesOf(cert: string, key: string): Promise<TlsSource> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await writeFile(certFile, cert);
  await writeFile(keyFile, key);
  return { kind: 'files', certFile, keyFile };
}

const context = () => ({ dataDir: join(dir, 'data'), listenHost: '127.0.0.1', now });

describe('serverTls with --tls-cert and --tls-key', () => {
  const made = createSelfSignedCertificate({ hosts: ['metrics.test'], ...validity });

  it('serves the files given, and names the certificate by its SHA-256 fingerprint', async () => {
    const source = await filesOf(made.certPem, made.keyPem);
    const tls = await serverTls(source, context());

    expect(tls.pair).toEqual({ cert: made.certPem, key: made.keyPem });
    expect(tls.certFile).toBe(join(dir, 'cert.pem'));
    expect(tls.fingerprint256).toBe(new X509Certificate(made.certPem).fingerprint256);
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(tls.validTo).toEqual(validity.notAfter);
    expect(tls.selfSigned).toBeUndefined();
  });

  it('takes a chain: the leaf first, then intermediates', async () => {
    const intermediate = createSelfSignedCertificate({ hosts: ['ca.test'], ...validity });
    const tls = await serverTls(await filesOf(made.certPem + intermediate.certPem, made.keyPem), context());

    expect(tls.fingerprint256).toBe(new X509Certificate(made.certPem).fingerprint256);
  });

  it('refuses a key that is not the certificate’s, in one line that says what to do', async () => {
    const other = createSelfSignedCertificate({ hosts: ['metrics.test'], ...validity });
    const failure = serverTls(await filesOf(made.certPem, other.keyPem), context());

    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(
      `${join(dir, 'key.pem')} (--tls-key) is not the key of the certificate in ${join(dir, 'cert.pem')} (--tls-cert); give the key the certificate was issued for`,
    );
  });

  it('refuses a certificate file that holds none', async () => {
    await expect(serverTls(await filesOf(made.keyPem, made.keyPem), context())).rejects.toThrow(
      /cert\.pem \(--tls-cert\) holds no PEM certificate; give the certificate, then any intermediates/,
    );
  });

  it('refuses a key it cannot use: not a key, or one with a passphrase', async () => {
    await expect(serverTls(await filesOf(made.certPem, made.certPem), context())).rejects.toThrow(
      /key\.pem \(--tls-key\) holds no PEM private key without a passphrase/,
    );
    const encrypted = createPrivateKey(made.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'secret',
    });
    await expect(serverTls(await filesOf(made.certPem, String(encrypted)), context())).rejects.toThrow(
      /holds no PEM private key without a passphrase; give the key unencrypted/,
    );
  });

  it('says which file it cannot read', async () => {
    const source: TlsSource = {
      kind: 'files',
      certFile: join(dir, 'absent.pem'),
      keyFile: join(dir, 'key.pem'),
    };

    await expect(serverTls(source, context())).rejects.toThrow(
      `cannot read the --tls-cert file ${join(dir, 'absent.pem')} (ENOENT); give the path of a readable PEM file`,
    );
  });
});

describe('serverTls with --tls self-signed', () => {
  it('makes the certificate under the data directory for the loopback names, then reuses it', async () => {
    const first = await serverTls({ kind: 'self-signed' }, context());
    const second = await serverTls({ kind: 'self-signed' }, context());

    expect(first.selfSigned).toEqual({ created: true, hosts: ['localhost', '127.0.0.1', '::1'] });
    expect(first.certFile).toBe(join(dir, 'data', 'tls', 'cert.pem'));
    expect(second.selfSigned?.created).toBe(false);
    expect(second.fingerprint256).toBe(first.fingerprint256);
  });
});

describe('tlsBanner', () => {
  it('prints the self-signed certificate’s path, fingerprint, and how to trust it', async () => {
    const tls = await serverTls({ kind: 'self-signed' }, context());
    const lines = tlsBanner(tls, now);
    const certFile = join(dir, 'data', 'tls', 'cert.pem');

    expect(lines[0]).toBe(
      `TLS: a self-signed certificate for localhost, 127.0.0.1, ::1 (made now, valid until ${tls.validTo.toISOString()}): ${certFile}`,
    );
    expect(lines[1]).toBe(`SHA-256 fingerprint: ${new X509Certificate(tls.pair.cert).fingerprint256}`);
    expect(lines[2]).toContain(`curl --cacert ${certFile} ...`);
    expect(lines[2]).toContain(`NODE_EXTRA_CA_CERTS=${certFile}`);
  });

  it('says when the operator’s certificate has expired', async () => {
    const made = createSelfSignedCertificate({ hosts: ['metrics.test'], ...validity });
    const tls = await serverTls(await filesOf(made.certPem, made.keyPem), context());

    expect(tlsBanner(tls, new Date('2027-02-01T00:00:00Z'))[0]).toBe(
      `TLS certificate: ${join(dir, 'cert.pem')} (EXPIRED on 2027-01-01T00:00:00.000Z: clients refuse it)`,
    );
  });
});

describe('shellWord', () => {
  it.each([
    ['/srv/beta-metrics/tls/cert.pem', '/srv/beta-metrics/tls/cert.pem'],
    ['/my data/cert.pem', "'/my data/cert.pem'"],
    ["/it's/cert.pem", "'/it'\\''s/cert.pem'"],
  ])('%s → %s', (text, word) => {
    expect(shellWord(text)).toBe(word);
  });
});
