import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, SELF_SIGNED_COMMON_NAME } from './self-signed-certificate.js';

const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2027-01-01T00:00:00Z');
const made = createSelfSignedCertificate({ hosts: ['localhost', '127.0.0.1', '::1'], notBefore, notAfter });
const x509 = new X509Certificate(made.certPem);

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasOpenssl = opensslAvailable();
const scratch = mkdtempSync(join(tmpdir(), 'beta-metrics-cert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a self-signed certificate as Node reads it', () => {
  it('names its hosts in subjectAltName, each as what it is', () => {
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.checkHost('localhost', { subject: 'never' })).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.checkIP('127.0.0.2')).toBeUndefined();
  });

  it('is issued by itself, valid from notBefore to notAfter', () => {
    expect(x509.subject).toBe(`CN=${SELF_SIGNED_COMMON_NAME}`);
    expect(x509.issuer).toBe(x509.subject);
    expect(new Date(x509.validFrom)).toEqual(notBefore);
    expect(new Date(x509.validTo)).toEqual(notAfter);
  });

  it('is signed by its own key, and comes with that key', () => {
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(x509.verify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toBe(false);
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is a server certificate, not a CA, with a random positive 16-byte serial', () => {
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    const other = createSelfSignedCertificate({ hosts: ['localhost'], notBefore, notAfter });
    expect(new X509Certificate(other.certPem).serialNumber).not.toBe(x509.serialNumber);
  });

  it('takes the host listened on: another name or address', () => {
    const wider = new X509Certificate(
      createSelfSignedCertificate({
        hosts: ['localhost', 'metrics.test', '2001:db8::7'],
        notBefore,
        notAfter,
      }).certPem,
    );
    expect(wider.checkHost('metrics.test', { subject: 'never' })).toBe('metrics.test');
    expect(wider.checkIP('2001:db8::7')).toBe('2001:db8::7');
  });

  it('is trusted by Node’s TLS client given it alone as `ca`, by name and by address', async () => {
    const server = createServer({ cert: made.certPem, key: made.keyPem }, (_request, response) =>
      response.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Node checks the name it is given as `servername`, else the address it connects to.
    const fetchText = (servername: string | undefined) =>
      new Promise<string>((resolve, reject) => {
        const target = { host: '127.0.0.1', port, ca: made.certPem, ...(servername && { servername }) };
        get(target, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          response.on('end', () => resolve(body));
        }).on('error', reject);
      });
    try {
      expect(await fetchText('localhost')).toBe('ok');
      expect(await fetchText(undefined)).toBe('ok');
      await expect(fetchText('example.com')).rejects.toThrow(/altnames/);
    } finally {
      server.close();
    }
  });
});

describe.skipIf(!hasOpenssl)(
  'a self-signed certificate as openssl reads it (skipped: no openssl on PATH)',
  () => {
    const certFile = join(scratch, 'cert.pem');
    writeFileSync(certFile, made.certPem);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

    it('parses, with the extensions of a TLS server certificate', () => {
      const text = openssl('x509', '-in', certFile, '-noout', '-text');
      expect(text).toContain('Version: 3 (0x2)');
      expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
      expect(text).toContain('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
      expect(text).toMatch(/Extended Key Usage: \s*TLS Web Server Authentication/);
      expect(text).toContain('Not Before: Jan  1 00:00:00 2026 GMT');
      expect(text).toContain('Not After : Jan  1 00:00:00 2027 GMT');
    });

    it('verifies it as its own trust anchor, and shows the fingerprint Node does', () => {
      expect(
        openssl(
          'verify',
          '-attime',
          String(Date.parse('2026-06-01T00:00:00Z') / 1000),
          '-CAfile',
          certFile,
          certFile,
        ).trim(),
      ).toBe(`${certFile}: OK`);
      expect(openssl('x509', '-in', certFile, '-noout', '-fingerprint', '-sha256').trim()).toBe(
        `sha256 Fingerprint=${x509.fingerprint256}`,
      );
    });
  },
);
