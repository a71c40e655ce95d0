import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { createSelfSignedCertificate } from '../../src/main/tls/self-signed-certificate.js';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';
import { httpsFetch, httpsRequest } from '../support/https-client.js';

/**
 * The built CLI serving HTTPS: `--tls self-signed` over the demo, then `--tls-cert`/`--tls-key`. Every client
 * here trusts the server's certificate alone (Node's `ca`, `NODE_EXTRA_CA_CERTS`, `curl --cacert`).
 */

interface DemoKeyRecord {
  keyId: string;
  issuerId: string;
  keyFile: string;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The certificate file and fingerprint the server printed, once it has printed them. */
async function printedCertificate(server: ServerProcess): Promise<{ certFile: string; fingerprint: string }> {
  await until(() => /SHA-256 fingerprint: \S+\n/.test(server.output()), 'the fingerprint line');
  const output = server.output();
  const certFile = /^TLS(?:: a self-signed certificate for .*\)| certificate): (\S+)/m.exec(output)?.[1];
  const fingerprint = /^SHA-256 fingerprint: (\S+)$/m.exec(output)?.[1];
  if (certFile === undefined || fingerprint === undefined) throw new Error(`no certificate in\n${output}`);
  return { certFile, fingerprint };
}

const curlAvailable = await new Promise<boolean>((resolve) =>
  execFile('curl', ['--version'], (error) => resolve(error === null)),
);

describe('serve --tls self-signed --demo', () => {
  let dir: string;
  let store: string;
  let server: ServerProcess;
  let ca: string;
  let certFile: string;
  let fingerprint: string;
  let key: DemoKeyRecord;
  let authorization: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-e2e-tls-'));
    store = join(dir, 'store');
    server = await startServer(['--tls', 'self-signed', '--demo', '--data-dir', store]);
    ({ certFile, fingerprint } = await printedCertificate(server));
    ca = await readFile(certFile, 'utf8');
    key = JSON.parse(await readFile(join(store, 'demo', 'demo-key.json'), 'utf8')) as DemoKeyRecord;
    authorization = /'Authorization: (Bearer [^']+)'/.exec(server.output())?.[1] ?? '';
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on https:// and prints the certificate under the data directory with its SHA-256 fingerprint', () => {
    expect(server.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(certFile).toBe(join(store, 'tls', 'cert.pem'));
    expect(fingerprint).toBe(new X509Certificate(ca).fingerprint256);
    expect(server.output()).toContain(`curl --cacert ${certFile}`);
    expect(server.output()).toContain(`NODE_EXTRA_CA_CERTS=${certFile}`);
    expect(server.output()).toContain(`Dashboard: ${server.baseUrl}/dashboard`);
  });

  it('answers /v1/apps over HTTPS to a client that trusts that certificate alone, with https:// links', async () => {
    const answer = await httpsRequest(`${server.baseUrl}/v1/apps`, { ca, headers: { authorization } });

    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { links: { self: string } };
    expect(body.links.self).toBe(`${server.baseUrl}/v1/apps`);
  });

  it('pages through the metrics by following links.next over HTTPS', async () => {
    let url: string | undefined =
      `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters&limit=200`;
    const ids: string[] = [];
    while (url !== undefined) {
      expect(url.startsWith(`${server.baseUrl}/`)).toBe(true);
      const answer = await httpsRequest(url, { ca, headers: { authorization } });
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as {
        data: Array<{ dimensions: { betaTesters: { data: { id: string } } } }>;
        links: { next?: string };
      };
      ids.push(...body.data.map((item) => item.dimensions.betaTesters.data.id));
      url = body.links.next;
    }
    expect(ids).toHaveLength(931);
    expect(new Set(ids).size).toBe(931);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(fetch(`${server.baseUrl}/healthz`)).rejects.toThrow();
  });

  it('fails a plain-HTTP request to its port at once, without an answer', async () => {
    const plain = server.baseUrl.replace(/^https:/, 'http:');

    await expect(fetch(`${plain}/healthz`, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow(
      /fetch failed/,
    );
  });

  it.skipIf(!curlAvailable)(
    'answers the printed curl command (skipped when curl is not installed)',
    async () => {
      const line = /^curl -s --cacert (\S+) -H 'Authorization: (Bearer [^']+)' '([^']+)'$/m.exec(
        server.output(),
      );
      expect(line?.[1]).toBe(certFile);
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          'curl',
          ['-s', '--fail', '--cacert', line?.[1] ?? '', '-H', `Authorization: ${line?.[2]}`, line?.[3] ?? ''],
          (error, out) => (error === null ? resolve(out) : reject(error)),
        ),
      );
      expect((JSON.parse(stdout) as { meta: { paging: { total: number } } }).meta.paging.total).toBe(931);
    },
  );

  it('reads every page through beta-metrics/client given a fetch that trusts the certificate', async () => {
    const client = createClient({
      baseUrl: server.baseUrl,
      keyId: key.keyId,
      issuerId: key.issuerId,
      keyFile: key.keyFile,
      fetch: httpsFetch(ca),
    });
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const row of client.betaTesterUsages('6447306070', {
      onPage: (page) => pages.push(page.pages),
    })) {
      ids.add(row.testerId);
    }

    expect(ids.size).toBe(931);
    expect(pages).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads every page with the usage command, trusting the certificate through NODE_EXTRA_CA_CERTS', async () => {
    const result = await runCli(['usage', '--app', '6447306070', '--format', 'json'], {
      env: {
        NODE_EXTRA_CA_CERTS: certFile,
        BETA_METRICS_BASE_URL: server.baseUrl,
        ASC_KEY_ID: key.keyId,
        ASC_ISSUER_ID: key.issuerId,
        ASC_PRIVATE_KEY_PATH: key.keyFile,
      },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(931);
  });

  it('reuses the certificate on the next start: same file, same fingerprint', async () => {
    await server.stop();
    server = await startServer(['--tls', 'self-signed', '--data-dir', store]);
    const again = await printedCertificate(server);

    expect(again).toEqual({ certFile, fingerprint });
    expect(server.output()).toContain('made by an earlier start');
    const answer = await httpsRequest(`${server.baseUrl}/healthz`, { ca });
    expect(answer.status).toBe(200);
  });
});

describe('serve --tls-cert --tls-key', () => {
  let dir: string;
  let certFile: string;
  let keyFile: string;
  const made = createSelfSignedCertificate({
    hosts: ['localhost', '127.0.0.1'],
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-e2e-tls-files-'));
    certFile = join(dir, 'cert.pem');
    keyFile = join(dir, 'key.pem');
    await writeFile(certFile, made.certPem);
    await writeFile(keyFile, made.keyPem, { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the files given', async () => {
    const server = await startServer([
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--data-dir',
      join(dir, 'store'),
    ]);
    try {
      const printed = await printedCertificate(server);
      expect(printed).toEqual({ certFile, fingerprint: new X509Certificate(made.certPem).fingerprint256 });
      const answer = await httpsRequest(`${server.baseUrl}/healthz`, { ca: made.certPem });
      expect(answer.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('refuses a key that is not the certificate’s in one line, exit 1, before opening the store', async () => {
    const otherKey = join(dir, 'other-key.pem');
    await writeFile(
      otherKey,
      createSelfSignedCertificate({
        hosts: ['localhost'],
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
      }).keyPem,
    );
    const result = await runCli([
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      certFile,
      '--tls-key',
      otherKey,
      '--data-dir',
      join(dir, 'refused'),
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `beta-metrics: ${otherKey} (--tls-key) is not the key of the certificate in ${certFile} (--tls-cert); give the key the certificate was issued for\n`,
    );
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });

  it('refuses --tls-cert without --tls-key as a usage error (exit 2)', async () => {
    const result = await runCli(['serve', '--listen', '127.0.0.1:0', '--tls-cert', certFile]);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
