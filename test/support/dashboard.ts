import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from './harness.js';

/** What a browser on the harness's public base URL sends with a form post. */
export function formHeaders(harness: Harness, origin = harness.baseUrl): Record<string, string> {
  return { origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
}

/** POSTs a sign-in link's token as the sign-in page's form does. */
export function postLogin(harness: Harness, token: string, headers = formHeaders(harness)) {
  return harness.app.inject({
    method: 'POST',
    url: '/dashboard/login',
    headers,
    payload: `token=${encodeURIComponent(token)}`,
  });
}

/** The `bm_session=...` pair a response sets, for the Cookie header of the next requests. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const cookie = (Array.isArray(header) ? header[0] : header)?.split(';')[0];
  if (cookie === undefined || !cookie.startsWith('bm_session=')) throw new Error('no session cookie set');
  return cookie;
}

/** Signs in through a fresh link, as a person would; resolves with the Cookie header value. */
export async function signIn(harness: Harness): Promise<string> {
  const link = await harness.services.dashboardSessions.createLoginLink();
  return sessionCookieOf(await postLogin(harness, link.token));
}

/** A dashboard page, with the session cookie when given. */
export function getPage(
  harness: Harness,
  url: string,
  cookie?: string,
  headers: Record<string, string> = {},
) {
  return harness.app.inject({
    method: 'GET',
    url,
    headers: { ...headers, ...(cookie !== undefined && { cookie }) },
  });
}
