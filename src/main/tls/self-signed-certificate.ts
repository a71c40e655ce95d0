import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derInteger,
  derObjectIdentifier,
  derOctetString,
  derSequence,
  derSet,
  derTime,
  derUtf8String,
} from './der.js';
import { subjectAltNames } from './subject-alt-names.js';

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export const SELF_SIGNED_COMMON_NAME = 'beta-metrics self-signed';

export interface SelfSignedRequest {
  /** Names and addresses the certificate is for (its subjectAltName); the first is worth showing people. */
  readonly hosts: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface SelfSignedCertificate {
  /** The certificate, PEM. */
  readonly certPem: string;
  /** Its EC P-256 private key, PKCS #8 PEM. */
  readonly keyPem: string;
}

/**
 * A fresh EC P-256 key and an X.509 v3 certificate for it, signed by itself (ecdsa-with-SHA256), written
 * with the DER encoder of `der.ts`: no dependency, no `openssl` binary. It is an end-entity certificate
 * (CA:FALSE, digitalSignature, serverAuth) that clients trust directly (`curl --cacert`, Node's `ca`,
 * `NODE_EXTRA_CA_CERTS`): browsers refuse a CA certificate used as a server's own.
 */
export function createSelfSignedCertificate(request: SelfSignedRequest): SelfSignedCertificate {
  if (request.hosts.length === 0) throw new RangeError('a certificate needs at least one host');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tbs = tbsCertificate(request, publicKey);
  const signature = sign('sha256', tbs, privateKey);
  const certificate = derSequence(tbs, signatureAlgorithm(), derBitString(signature));
  return { certPem: pem('CERTIFICATE', certificate), keyPem: keyPemOf(privateKey) };
}

function tbsCertificate(request: SelfSignedRequest, publicKey: KeyObject): Buffer {
  const name = derSequence(
    derSet(derSequence(derObjectIdentifier(OID.commonName), derUtf8String(SELF_SIGNED_COMMON_NAME))),
  );
  return derSequence(
    derExplicit(0, derInteger(2)), // v3
    derInteger(serialNumber()),
    signatureAlgorithm(),
    name, // issuer: itself
    derSequence(derTime(request.notBefore), derTime(request.notAfter)),
    name, // subject
    publicKey.export({ type: 'spki', format: 'der' }),
    derExplicit(3, derSequence(...extensions(request.hosts))),
  );
}

function extensions(hosts: readonly string[]): Buffer[] {
  return [
    extension(OID.subjectAltName, false, subjectAltNames(hosts)),
    extension(OID.basicConstraints, true, derSequence()), // cA defaults to FALSE, so it is left out
    // digitalSignature is bit 0: one byte 0b1000_0000 with its 7 trailing bits unused.
    extension(OID.keyUsage, true, derBitString(Buffer.of(0x80), 7)),
    extension(OID.extKeyUsage, false, derSequence(derObjectIdentifier(OID.serverAuth))),
  ];
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  // `critical` is DEFAULT FALSE, which DER leaves out.
  return derSequence(
    derObjectIdentifier(oid),
    ...(critical ? [derBoolean(true)] : []),
    derOctetString(value),
  );
}

/** ecdsa-with-SHA256, whose parameters are absent (RFC 5758 §3.2). */
function signatureAlgorithm(): Buffer {
  return derSequence(derObjectIdentifier(OID.ecdsaWithSha256));
}

/** 16 random bytes, positive and in its shortest form: the top bit clear, the next one set. */
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

function keyPemOf(privateKey: KeyObject): string {
  const exported = privateKey.export({ type: 'pkcs8', format: 'pem' });
  return typeof exported === 'string' ? exported : exported.toString('utf8');
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
