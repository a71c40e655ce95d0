import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingServe } from '../../../test/support/serve-options.js';
import { runCli } from '../run.js';

/** `serve`'s TLS options as they reach the composition root: parsed in process, nothing served or read. */

const recording = recordingServe;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('serve: TLS', () => {
  it('serves HTTP when no TLS option is given', async () => {
    const { deps, served } = recording();

    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.tls).toBeUndefined();
  });

  it('passes --tls self-signed', async () => {
    const { deps, served } = recording();

    expect(await runCli(['serve', '--tls', 'self-signed'], deps)).toBe(0);
    expect(served[0]?.tls).toEqual({ kind: 'self-signed' });
  });

  it('passes --tls-cert and --tls-key as they are given', async () => {
    const { deps, served } = recording();

    expect(await runCli(['serve', '--tls-cert', 'chain.pem', '--tls-key', 'key.pem'], deps)).toBe(0);
    expect(served[0]?.tls).toEqual({ kind: 'files', certFile: 'chain.pem', keyFile: 'key.pem' });
  });

  it('takes them from BETA_METRICS_TLS_CERT and BETA_METRICS_TLS_KEY, or BETA_METRICS_TLS', async () => {
    vi.stubEnv('BETA_METRICS_TLS_CERT', '/etc/beta-metrics/cert.pem');
    vi.stubEnv('BETA_METRICS_TLS_KEY', '/etc/beta-metrics/key.pem');
    const files = recording();
    expect(await runCli(['serve'], files.deps)).toBe(0);
    expect(files.served[0]?.tls).toEqual({
      kind: 'files',
      certFile: '/etc/beta-metrics/cert.pem',
      keyFile: '/etc/beta-metrics/key.pem',
    });

    vi.unstubAllEnvs();
    vi.stubEnv('BETA_METRICS_TLS', 'self-signed');
    const selfSigned = recording();
    expect(await runCli(['serve'], selfSigned.deps)).toBe(0);
    expect(selfSigned.served[0]?.tls).toEqual({ kind: 'self-signed' });
  });

  it('counts an empty environment variable as unset', async () => {
    vi.stubEnv('BETA_METRICS_TLS_CERT', '');
    vi.stubEnv('BETA_METRICS_TLS_KEY', '');
    const { deps, served } = recording();

    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.tls).toBeUndefined();
  });

  it.each([
    [
      ['--tls-cert', 'cert.pem'],
      '--tls-cert and --tls-key go together; give --tls-key (its private key) too, or neither',
    ],
    [
      ['--tls-key', 'key.pem'],
      '--tls-cert and --tls-key go together; give --tls-cert (the certificate) too, or neither',
    ],
    [
      ['--tls', 'self-signed', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem'],
      '--tls self-signed makes its own certificate; leave out --tls-cert and --tls-key, or --tls',
    ],
  ])('refuses %j as a usage error (exit 2), in one line', async (options, message) => {
    const { deps, served, errors } = recording();

    expect(await runCli(['serve', ...options], deps)).toBe(2);
    expect(served).toEqual([]);
    expect(errors).toEqual([`beta-metrics: ${message}`]);
  });

  it('refuses a --tls mode it does not know (exit 2)', async () => {
    const { deps, served } = recording();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let written = '';
    try {
      expect(await runCli(['serve', '--tls', 'acme'], deps)).toBe(2);
      written = stderr.mock.calls.map(([text]) => String(text)).join('');
    } finally {
      stderr.mockRestore();
    }
    expect(served).toEqual([]);
    expect(written).toContain("argument 'acme' is invalid. Allowed choices are self-signed.");
  });
});
