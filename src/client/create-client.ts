import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { everyPage } from './every-page.js';
import { testerRowsOf, usageRowsOf } from './page-rows.js';
import { createRatePacer, DEFAULT_PACE_BELOW } from './rate-pacer.js';
import { DEFAULT_RETRY_POLICY, getJson, type RequestDeps } from './send-request.js';
import { createTokenSource } from './token-source.js';
import type { AscClient, ClientOptions } from './types.js';

export const APPLE_BASE_URL = 'https://api.appstoreconnect.apple.com';
const PAGE_LIMIT = 200;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A client of the App Store Connect API's beta tester metrics, for Apple's service or a beta-metrics server.
 * Throws TypeError or RangeError at once for options it cannot work with (no key, an unreadable key file, a
 * token lifetime over 20 minutes).
 */
export function createClient(options: ClientOptions): AscClient {
  const baseUrl = baseUrlOf(options.baseUrl ?? APPLE_BASE_URL);
  if (typeof options.keyId !== 'string' || options.keyId === '') throw new TypeError('keyId is required');
  const tokens = createTokenSource({
    privateKeyPem: privateKeyOf(options),
    keyId: options.keyId,
    ...(options.issuerId !== undefined && { issuerId: options.issuerId }),
    ttlSeconds: options.tokenTtl ?? 1200,
  });
  const deps: RequestDeps = {
    fetch: options.fetch ?? globalThis.fetch,
    tokens,
    pacer: createRatePacer(options.paceBelow ?? DEFAULT_PACE_BELOW),
    retry: {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts),
      baseMs: options.retry?.baseMs ?? DEFAULT_RETRY_POLICY.baseMs,
      maxMs: options.retry?.maxMs ?? DEFAULT_RETRY_POLICY.maxMs,
    },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.onWait !== undefined && { onWait: options.onWait }),
  };
  const get = (url: string) => getJson(deps, url);

  return {
    baseUrl,
    betaTesterUsages(appId, usage = {}) {
      // The query in Apple's own example order: period, limit, then groupBy or the filter.
      const query = new URLSearchParams();
      if (usage.period !== undefined) query.set('period', usage.period);
      query.set('limit', String(usage.limit ?? PAGE_LIMIT));
      if (usage.testerId !== undefined) query.set('filter[betaTesters]', usage.testerId);
      else query.set('groupBy', 'betaTesters');
      const url = `${baseUrl}/v1/apps/${encodeURIComponent(appId)}/metrics/betaTesterUsages?${query}`;
      return everyPage(get, url, baseUrl, usageRowsOf, usage.onPage);
    },
    betaTesters(listing = {}) {
      const query = new URLSearchParams();
      if (listing.appId !== undefined) query.set('filter[apps]', listing.appId);
      if (listing.ids !== undefined && listing.ids.length > 0) query.set('filter[id]', listing.ids.join(','));
      query.set('limit', String(listing.limit ?? PAGE_LIMIT));
      return everyPage(get, `${baseUrl}/v1/betaTesters?${query}`, baseUrl, testerRowsOf, listing.onPage);
    },
    getJson(path) {
      // A path of the base URL only: the token never goes to another origin.
      if (!path.startsWith('/') || path.startsWith('//'))
        throw new TypeError(`'${path}' is not a path; pass one like /v1/apps?limit=5`);
      return get(`${baseUrl}${path}`);
    },
  };
}

function baseUrlOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`baseUrl '${text}' is not a URL; use one like ${APPLE_BASE_URL}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new TypeError(`baseUrl '${text}' must be an http or https URL without a query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The PEM of the options, checked to hold a P-256 private key (what Apple's ES256 keys are). */
function privateKeyOf(options: ClientOptions): string {
  const pem = pemOf(options);
  let isP256 = false;
  try {
    const key = createPrivateKey(pem);
    isP256 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    isP256 = false;
  }
  if (!isP256) {
    throw new TypeError(
      'the private key is not a P-256 PKCS#8 key; use the AuthKey_<KEYID>.p8 file as written',
    );
  }
  return pem;
}

function pemOf(options: ClientOptions): string {
  if (options.privateKey !== undefined) return options.privateKey;
  if (options.keyFile === undefined) {
    throw new TypeError('a private key is required: pass privateKey (PEM) or keyFile (AuthKey_<KEYID>.p8)');
  }
  try {
    return readFileSync(options.keyFile, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new TypeError(`cannot read the key file ${options.keyFile} (${code})`, { cause: error });
  }
}
