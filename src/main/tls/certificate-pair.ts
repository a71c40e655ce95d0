import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';

/** A certificate (chain) and its private key, both PEM, as the server is given them. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** What is wrong with a pair, in words an operator can act on; undefined when it can serve. */
export type PairProblem =
  | { readonly kind: 'no-certificate' }
  | { readonly kind: 'no-key' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'refused'; readonly reason: string };

/** The pair's leaf certificate (the first of a chain) when the pair can serve, else why not. */
export function checkPair(pair: CertificatePair): { leaf: X509Certificate } | { problem: PairProblem } {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(pair.cert);
  } catch {
    return { problem: { kind: 'no-certificate' } };
  }
  let key: KeyObject;
  try {
    // A key with a passphrase fails here too: the server has nobody to ask for it.
    key = createPrivateKey(pair.key);
  } catch {
    return { problem: { kind: 'no-key' } };
  }
  if (!leaf.checkPrivateKey(key)) return { problem: { kind: 'mismatch' } };
  try {
    // What the TLS server will do with them at start: anything it would refuse is refused now, in words.
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    return { problem: { kind: 'refused', reason: error instanceof Error ? error.message : String(error) } };
  }
  return { leaf };
}
