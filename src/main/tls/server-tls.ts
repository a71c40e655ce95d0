import type { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ServeOptions, TlsSource } from '../../cli/cli-deps.js';
import { InputError } from '../../services/input-error.js';
import { type CertificatePair, checkPair, type PairProblem } from './certificate-pair.js';
import { ensureSelfSignedCertificate, selfSignedHosts } from './self-signed-files.js';

/** What `serve` serves HTTPS with, and what it tells the operator about it. */
export interface ServerTls {
  readonly pair: CertificatePair;
  /** The certificate's file, absolute. */
  readonly certFile: string;
  /** SHA-256 of the (leaf) certificate, colon-separated hex, as browsers and `openssl x509 -fingerprint` show it. */
  readonly fingerprint256: string;
  readonly validTo: Date;
  /** With `--tls self-signed`: whether this start made it, and what it is for. */
  readonly selfSigned?: { readonly created: boolean; readonly hosts: readonly string[] };
}

/** What `serve`'s options ask for: HTTPS with the certificate they name, or (undefined) HTTP. */
export function serverTlsOf(options: ServeOptions): Promise<ServerTls | undefined> {
  if (options.tls === undefined) return Promise.resolve(undefined);
  return serverTls(options.tls, {
    dataDir: options.dataDir,
    listenHost: options.listen.host,
    now: new Date(),
  });
}

/** Reads (or, self-signed, makes or reuses) the certificate and key; a one-line InputError when they cannot serve. */
export async function serverTls(
  source: TlsSource,
  context: { readonly dataDir: string; readonly listenHost: string; readonly now: Date },
): Promise<ServerTls> {
  if (source.kind === 'self-signed') {
    const hosts = selfSignedHosts(context.listenHost);
    const files = await ensureSelfSignedCertificate(context.dataDir, hosts, context.now);
    return {
      ...described(files.pair, files.certFile, files.leaf),
      selfSigned: { created: files.created, hosts },
    };
  }
  const pair = {
    cert: await readPem(source.certFile, '--tls-cert'),
    key: await readPem(source.keyFile, '--tls-key'),
  };
  const checked = checkPair(pair);
  if ('problem' in checked) throw new InputError(problemText(checked.problem, source));
  return described(pair, resolve(source.certFile), checked.leaf);
}

function described(pair: CertificatePair, certFile: string, leaf: X509Certificate) {
  return { pair, certFile, fingerprint256: leaf.fingerprint256, validTo: new Date(leaf.validTo) };
}

async function readPem(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InputError(
      `cannot read the ${option} file ${file} (${typeof code === 'string' ? code : 'failed'}); give the path of a readable PEM file`,
    );
  }
}

function problemText(problem: PairProblem, files: { certFile: string; keyFile: string }): string {
  switch (problem.kind) {
    case 'no-certificate':
      return `${files.certFile} (--tls-cert) holds no PEM certificate; give the certificate, then any intermediates, each -----BEGIN CERTIFICATE-----`;
    case 'no-key':
      return `${files.keyFile} (--tls-key) holds no PEM private key without a passphrase; give the key unencrypted (openssl pkey -in ${files.keyFile} -out key.pem)`;
    case 'mismatch':
      return `${files.keyFile} (--tls-key) is not the key of the certificate in ${files.certFile} (--tls-cert); give the key the certificate was issued for`;
    case 'refused':
      return `the certificate ${files.certFile} and key ${files.keyFile} cannot serve TLS (${problem.reason}); give a PEM certificate and its key`;
  }
}

/** The lines `serve` prints at start: which certificate, its fingerprint, and how a client trusts it. */
export function tlsBanner(tls: ServerTls, now: Date): string[] {
  const expiry =
    tls.validTo.getTime() <= now.getTime()
      ? `EXPIRED on ${tls.validTo.toISOString()}: clients refuse it`
      : `valid until ${tls.validTo.toISOString()}`;
  if (tls.selfSigned === undefined) {
    return [`TLS certificate: ${tls.certFile} (${expiry})`, `SHA-256 fingerprint: ${tls.fingerprint256}`];
  }
  const made = tls.selfSigned.created ? 'made now' : 'made by an earlier start';
  const file = shellWord(tls.certFile);
  return [
    `TLS: a self-signed certificate for ${tls.selfSigned.hosts.join(', ')} (${made}, ${expiry}): ${tls.certFile}`,
    `SHA-256 fingerprint: ${tls.fingerprint256}`,
    `Clients must trust it: curl --cacert ${file} ..., NODE_EXTRA_CA_CERTS=${file} for Node.js, or add it to the system's or browser's trusted certificates.`,
  ];
}

/** A path as a shell takes it when pasted: as it is when it is plain, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w./@:+,=-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
