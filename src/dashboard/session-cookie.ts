import type { FastifyRequest } from 'fastify';
import { DASHBOARD_PATH } from '../services/dashboard-sessions.js';

export const SESSION_COOKIE = 'bm_session';

/** The session token the request's cookie carries, if any. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * The session cookie: never readable by script, sent only to the dashboard's own paths and only on requests
 * from the dashboard itself (SameSite=Strict: a link or form on another site arrives without it), and only
 * over TLS when the server is reached by https. `maxAgeSeconds` 0 removes it.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    `Path=${DASHBOARD_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * Whether a state-changing request comes from the dashboard's own pages. Browsers mark it with
 * `Sec-Fetch-Site` (which no page can set) and `Origin`; another site's form says `cross-site` and carries its
 * own origin. Under the pages' `Referrer-Policy: no-referrer`, Chromium sends `Origin: null` even on a
 * same-origin POST, so `null` counts when Sec-Fetch-Site vouches for it. A request with neither header is
 * refused: no browser that runs the dashboard sends one like that.
 */
export function fromSameOrigin(request: FastifyRequest, publicBaseUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return site === 'same-origin';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  // The host is what matters: behind a TLS proxy the browser says https while the server sees http.
  return host === request.host || host === hostOf(publicBaseUrl);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
