import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../services/input-error.js';
import { ensureSelfSignedCertificate, SELF_SIGNED_VALID_DAYS, selfSignedHosts } from './self-signed-files.js';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const now = new Date('2026-03-01T12:00:00Z');
const DAY_MS = 86_400_000;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-tls-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('selfSignedHosts', () => {
  it.each([
    ['127.0.0.1', LOOPBACK],
    ['localhost', LOOPBACK],
    ['::1', LOOPBACK],
    ['0.0.0.0', LOOPBACK],
    ['::', LOOPBACK],
    ['192.0.2.7', [...LOOPBACK, '192.0.2.7']],
    ['Metrics.Test', [...LOOPBACK, 'metrics.test']],
  ])('listening on %s: %j', (host, hosts) => {
    expect(selfSignedHosts(host)).toEqual(hosts);
  });
});

describe('ensureSelfSignedCertificate', () => {
  it('writes cert.pem and key.pem under <data dir>/tls, the key readable by its owner only', async () => {
    const files = await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);

    expect(files.created).toBe(true);
    expect(files.certFile).toBe(join(dataDir, 'tls', 'cert.pem'));
    expect(files.keyFile).toBe(join(dataDir, 'tls', 'key.pem'));
    expect((await stat(files.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'tls'))).mode & 0o777).toBe(0o700);
    const written = new X509Certificate(await readFile(files.certFile, 'utf8'));
    expect(written.fingerprint256).toBe(files.leaf.fingerprint256);
    expect(await readFile(files.keyFile, 'utf8')).toBe(files.pair.key);
    expect(new Date(written.validTo).getTime() - now.getTime()).toBe(SELF_SIGNED_VALID_DAYS * DAY_MS);
    expect(new Date(written.validFrom).getTime()).toBeLessThan(now.getTime());
  });

  it('reuses the files of an earlier start while they are valid for another day', async () => {
    const first = await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);
    const later = new Date(now.getTime() + (SELF_SIGNED_VALID_DAYS - 2) * DAY_MS);
    const second = await ensureSelfSignedCertificate(dataDir, LOOPBACK, later);

    expect(second.created).toBe(false);
    expect(second.leaf.fingerprint256).toBe(first.leaf.fingerprint256);
    expect(second.pair).toEqual(first.pair);
  });

  it('replaces a certificate with less than a day left', async () => {
    const first = await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);
    const nearlyExpired = new Date(now.getTime() + SELF_SIGNED_VALID_DAYS * DAY_MS - DAY_MS / 2);
    const second = await ensureSelfSignedCertificate(dataDir, LOOPBACK, nearlyExpired);

    expect(second.created).toBe(true);
    expect(second.leaf.fingerprint256).not.toBe(first.leaf.fingerprint256);
  });

  it('replaces a certificate that does not cover the host now listened on', async () => {
    await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);
    const second = await ensureSelfSignedCertificate(dataDir, [...LOOPBACK, 'metrics.test'], now);

    expect(second.created).toBe(true);
    expect(second.leaf.checkHost('metrics.test', { subject: 'never' })).toBe('metrics.test');
    // ...and that one serves the loopback names too, so going back reuses it.
    expect((await ensureSelfSignedCertificate(dataDir, LOOPBACK, now)).created).toBe(false);
  });

  it('replaces files that are not a certificate and its key', async () => {
    const first = await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);
    await writeFile(first.keyFile, 'not a key');
    const second = await ensureSelfSignedCertificate(dataDir, LOOPBACK, now);

    expect(second.created).toBe(true);
    expect(await readFile(first.keyFile, 'utf8')).toBe(second.pair.key);
  });

  it('says what to do, in one line, when the data directory cannot be written', async () => {
    // A data directory under a file: refused to anyone, root too.
    const file = join(dataDir, 'a-file');
    await writeFile(file, '');

    const failure = ensureSelfSignedCertificate(join(file, 'data'), LOOPBACK, now);
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(
      /^cannot write the self-signed certificate under .*a-file\/data\/tls \(ENOTDIR\); choose a writable --data-dir, or give --tls-cert and --tls-key$/,
    );
  });
});
