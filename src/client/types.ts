import type { RateBudget } from './rate-pacer.js';

/** The periods of the metrics endpoint. */
export type Period = 'P7D' | 'P30D' | 'P90D' | 'P365D';

export interface ClientOptions {
  /** Default `https://api.appstoreconnect.apple.com`; a beta-metrics server's address works the same. */
  readonly baseUrl?: string;
  /** The Issuer ID of a team key; omit it for an individual key (the token then says `sub: "user"`). */
  readonly issuerId?: string;
  /** The Key ID (10 characters, e.g. `2X9R4HXF34`). */
  readonly keyId: string;
  /** The private key, PKCS#8 PEM (the contents of AuthKey_<KEYID>.p8). Give this or `keyFile`. */
  readonly privateKey?: string;
  /** The AuthKey_<KEYID>.p8 file, read once when the client is created. */
  readonly keyFile?: string;
  /** Seconds each token lives, 1..1200 (Apple's limit of 20 minutes). Default 1200. */
  readonly tokenTtl?: number;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Retries of 429, 5xx and network errors: exponential backoff with full jitter, in milliseconds. */
  readonly retry?: {
    /** Attempts per request, the first included. Default 5. */
    readonly maxAttempts?: number;
    /** The first backoff's ceiling. Default 1000. */
    readonly baseMs?: number;
    /** No backoff exceeds this. Default 60000. `Retry-After` is honoured even when longer. */
    readonly maxMs?: number;
  };
  /** How long one attempt may take before it counts as a network error (and is retried). Default 60000. */
  readonly timeoutMs?: number;
  /**
   * When `X-Rate-Limit` reports less than this share of the hourly limit left, requests are spaced by
   * 3,600 s / remaining so the rest lasts the hour. Default 0.05 (5 %); 0 turns pacing off.
   */
  readonly paceBelow?: number;
  /** Told before every wait: a retry's backoff or `Retry-After`, or pacing by the rate budget. */
  readonly onWait?: (wait: ClientWait) => void;
}

export interface ClientWait {
  readonly reason: 'retry' | 'rate-budget';
  /** How long the client waits, in milliseconds. */
  readonly delayMs: number;
  /** For retries: the failed attempts so far, and the status of the last one (none: no answer). */
  readonly attempt?: number;
  readonly status?: number;
  /** For pacing: the budget the last answer reported. */
  readonly budget?: RateBudget;
}

/** Progress of a listing, after each page. */
export interface PageProgress {
  readonly pages: number;
  readonly rows: number;
  /** `meta.paging.total` of the last page, when the server sent one. */
  readonly total?: number;
}

export interface BetaTesterUsagesOptions {
  /** Default: the server's (365 days). */
  readonly period?: Period;
  /** One tester only (`filter[betaTesters]`); otherwise every tester (`groupBy=betaTesters`). */
  readonly testerId?: string;
  /** Rows per page, 1..200. Default 200: the fewest requests. */
  readonly limit?: number;
  readonly onPage?: (progress: PageProgress) => void;
}

/** One tester's usage over the period. */
export interface BetaTesterUsage {
  readonly testerId: string;
  readonly sessionCount: number;
  readonly crashCount: number;
  readonly feedbackCount: number;
  /** The first and last day of the period (YYYY-MM-DD, UTC), when the server sent them. */
  readonly start: string | undefined;
  readonly end: string | undefined;
}

export interface BetaTestersOptions {
  /** Only the testers of this app (`filter[apps]`). */
  readonly appId?: string;
  /** Only these testers (`filter[id]`). */
  readonly ids?: readonly string[];
  /** Rows per page, 1..200. Default 200. */
  readonly limit?: number;
  readonly onPage?: (progress: PageProgress) => void;
}

/** A beta tester; attributes the server left out are null. */
export interface BetaTesterRow {
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  /** NOT_INVITED, INVITED, ACCEPTED, INSTALLED or REVOKED. */
  readonly state: string | null;
  /** EMAIL or PUBLIC_LINK. */
  readonly inviteType: string | null;
}

export interface AscClient {
  /** The base URL requests go to. */
  readonly baseUrl: string;
  /**
   * Every tester's usage of an app (GET /v1/apps/{id}/metrics/betaTesterUsages), following `links.next` to
   * the last page. Throws AscApiError when a request fails for good.
   */
  betaTesterUsages(appId: string, options?: BetaTesterUsagesOptions): AsyncIterable<BetaTesterUsage>;
  /** Every beta tester (GET /v1/betaTesters), all pages. */
  betaTesters(options?: BetaTestersOptions): AsyncIterable<BetaTesterRow>;
  /**
   * GETs a path of the base URL, query included (`/_beta-metrics/journal?limit=5`), and resolves with its JSON
   * body as sent: for what has no method here. The same token, retries, pacing and AscApiError as the others.
   */
  getJson(path: string): Promise<unknown>;
}
