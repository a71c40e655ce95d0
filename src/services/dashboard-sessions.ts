import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { DashboardLogins } from '../storage/dashboard-store.js';

/** How long a login link is accepted, once. */
export const LOGIN_LINK_TTL_MS = 15 * 60_000;
/** How long a dashboard session lasts from sign-in; then the person asks for a new link. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** A secret handed out once: the login link's or the session's token, and when it stops being accepted. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: string;
}

/**
 * The dashboard's logins: one-time links made by the CLI (or `serve --demo`), exchanged for
 * sessions. Tokens are 32 random bytes, base64url; the store keeps their SHA-256 only, so a copy of the
 * database signs nobody in.
 */
export interface DashboardSessionsService {
  /** A new login token, accepted once within LOGIN_LINK_TTL_MS. */
  createLoginLink(): Promise<IssuedToken>;
  /** Spends a login token for a new session token; undefined when it is unknown, spent or expired. */
  signIn(loginToken: string): Promise<IssuedToken | undefined>;
  /** Whether `sessionToken` names a session that has not ended or expired. */
  isSignedIn(sessionToken: string): Promise<boolean>;
  signOut(sessionToken: string): Promise<void>;
}

export function dashboardSessionsService(store: DashboardLogins, clock: Clock): DashboardSessionsService {
  const issue = (ttlMs: number) => {
    const now = clock.now();
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      record: {
        tokenHash: tokenHash(token),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      },
    };
  };
  return {
    async createLoginLink() {
      const { token, record } = issue(LOGIN_LINK_TTL_MS);
      await store.createDashboardLoginLink(record);
      return { token, expiresAt: record.expiresAt };
    },
    async signIn(loginToken) {
      if (!TOKEN.test(loginToken)) return undefined;
      const { token, record } = issue(SESSION_TTL_MS);
      const spent = await store.exchangeDashboardLoginLink(tokenHash(loginToken), record);
      return spent ? { token, expiresAt: record.expiresAt } : undefined;
    },
    async isSignedIn(sessionToken) {
      if (!TOKEN.test(sessionToken)) return false;
      const session = await store.findDashboardSession(tokenHash(sessionToken), clock.now().toISOString());
      return session !== undefined;
    },
    async signOut(sessionToken) {
      if (TOKEN.test(sessionToken)) await store.endDashboardSession(tokenHash(sessionToken));
    },
  };
}

/** 32 bytes in base64url without padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Where the dashboard lives under the server's base URL. */
export const DASHBOARD_PATH = '/dashboard';

/** The one-time sign-in link for `token` on the server at `baseUrl` (without a trailing slash). */
export function dashboardLoginUrl(baseUrl: string, token: string): string {
  return `${baseUrl}${DASHBOARD_PATH}/login?token=${encodeURIComponent(token)}`;
}
