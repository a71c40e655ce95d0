import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formHeaders, getPage, postLogin, sessionCookieOf, signIn } from '../../test/support/dashboard.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { createApp } from '../main/create-app.js';
import { fixedBaseUrl } from '../http/links.js';

// Signing in to the dashboard: one-time links, sessions in the store, cookies, CSRF and logs.

let harness: Harness;
let plain: Harness;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0, baseUrl: 'https://metrics.example.com' });
  plain = await createHarness({ rateLimit: 0, baseUrl: 'http://127.0.0.1:8080' });
});
afterAll(async () => {
  await harness.close();
  await plain.close();
});

const cookieAttributes = (header: string | string[] | number | undefined) =>
  String(Array.isArray(header) ? header[0] : header)
    .split('; ')
    .slice(1)
    .sort();

describe('200', () => {
  it('opens a sign-in link as a page with a Sign in button, spending nothing', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    for (let i = 0; i < 2; i++) {
      const page = await getPage(harness, `/dashboard/login?token=${link.token}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<form method="post" action="/dashboard/login">');
      expect(page.body).toContain(`<input type="hidden" name="token" value="${link.token}">`);
      expect(page.body).toContain('Sign in</button>');
      expect(page.headers['set-cookie']).toBeUndefined();
    }
    expect((await postLogin(harness, link.token)).statusCode).toBe(303);
  });

  it('sends the security headers on every page, and no-store', async () => {
    const cookie = await signIn(harness);
    for (const [url, withCookie] of [
      ['/dashboard', true],
      ['/dashboard', false],
      ['/dashboard/login?token=x', false],
      ['/dashboard/nope', true],
    ] as const) {
      const page = await getPage(harness, url, withCookie ? cookie : undefined);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toMatch(
        /^default-src 'self'; script-src 'self'; style-src 'self';/,
      );
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['cache-control']).toBe('no-store');
      // No inline script or style for the CSP to refuse.
      expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    }
  });
});

describe('303', () => {
  it('signs in once with a link, setting a strict, HttpOnly session cookie for /dashboard', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    const signedIn = await postLogin(harness, link.token);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/dashboard');
    expect(cookieAttributes(signedIn.headers['set-cookie'])).toEqual([
      'HttpOnly',
      'Max-Age=43200',
      'Path=/dashboard',
      'SameSite=Strict',
      'Secure',
    ]);
    const cookie = sessionCookieOf(signedIn);
    const apps = await getPage(harness, '/dashboard', cookie);
    expect(apps.statusCode).toBe(200);
    expect(apps.body).toContain('Sign out');
    // The session's token is in the cookie only, never in a page.
    expect(apps.body).not.toContain(cookie.split('=')[1]);
    const again = await postLogin(harness, link.token);
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain('it was used already');
  });

  it('leaves Secure out when the server is reached over plain http', async () => {
    const link = await plain.services.dashboardSessions.createLoginLink();
    const signedIn = await postLogin(plain, link.token);
    expect(cookieAttributes(signedIn.headers['set-cookie'])).not.toContain('Secure');
  });

  it('signs out: the cookie is removed and the session refused from then on', async () => {
    const cookie = await signIn(harness);
    const out = await harness.app.inject({
      method: 'POST',
      url: '/dashboard/logout',
      headers: { ...formHeaders(harness), cookie },
    });
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(/^bm_session=; Path=\/dashboard; Max-Age=0;/);
    expect((await getPage(harness, '/dashboard', cookie)).statusCode).toBe(401);
  });
});

describe('401', () => {
  it('refuses every dashboard page without a session, with a page that says how to sign in', async () => {
    for (const [method, url] of [
      ['GET', '/dashboard'],
      ['GET', '/dashboard/'],
      ['GET', '/dashboard/apps/6447306070?period=P7D'],
      ['GET', '/dashboard/apps/6447306070/testers'],
      ['GET', '/dashboard/apps/6447306070/testers/t1'],
      ['GET', '/dashboard/anything/else'],
      ['POST', '/dashboard'],
      ['GET', '/dashboard/login'],
    ] as const) {
      const page = await harness.app.inject({ method, url });
      expect(page.statusCode, `${method} ${url}`).toBe(401);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('beta-metrics dashboard-link');
      expect(page.body).not.toContain('Sign out');
    }
  });

  it('refuses a link older than 15 minutes', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    harness.clock.advance(15 * 60_000);
    const late = await postLogin(harness, link.token);
    expect(late.statusCode).toBe(401);
    expect(late.headers['set-cookie']).toBeUndefined();
  });

  it('ends a session after 12 hours, and says so', async () => {
    const cookie = await signIn(harness);
    harness.clock.advance(12 * 3_600_000 - 1);
    expect((await getPage(harness, '/dashboard', cookie)).statusCode).toBe(200);
    harness.clock.advance(1);
    const ended = await getPage(harness, '/dashboard', cookie);
    expect(ended.statusCode).toBe(401);
    expect(ended.body).toContain('Your session has ended');
    expect(String(ended.headers['set-cookie'])).toContain('Max-Age=0');
  });

  it('refuses a made-up or malformed session cookie and link', async () => {
    for (const cookie of ['bm_session=x', `bm_session=${'A'.repeat(43)}`, 'other=1']) {
      expect((await getPage(harness, '/dashboard', cookie)).statusCode).toBe(401);
    }
    for (const token of ['', 'x', 'A'.repeat(43), '%00']) {
      expect((await postLogin(harness, token)).statusCode).toBe(401);
    }
  });

  it('lets one of many concurrent sign-ins with one link through', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postLogin(harness, link.token)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 401, 401, 401, 401, 401]);
  });
});

describe('403', () => {
  it('refuses a sign-in or sign-out form sent from another site, or from nowhere said', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      { ...form, origin: 'https://evil.example' },
      { ...form, origin: 'null' },
      { ...form, origin: harness.baseUrl, 'sec-fetch-site': 'cross-site' },
      { ...form, 'sec-fetch-site': 'same-site' },
      form,
    ]) {
      const refused = await postLogin(harness, link.token, headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('not sent from the dashboard');
    }
    // None of those spent the link. Chromium under Referrer-Policy no-referrer says `Origin: null`.
    expect(
      (await postLogin(harness, link.token, { ...form, origin: 'null', 'sec-fetch-site': 'same-origin' }))
        .statusCode,
    ).toBe(303);

    const cookie = await signIn(harness);
    const out = await harness.app.inject({
      method: 'POST',
      url: '/dashboard/logout',
      headers: { ...form, origin: 'https://evil.example', cookie },
    });
    expect(out.statusCode).toBe(403);
    expect((await getPage(harness, '/dashboard', cookie)).statusCode).toBe(200);
  });

  it("accepts the Host the browser called, as well as the public URL's", async () => {
    const link = await plain.services.dashboardSessions.createLoginLink();
    const answer = await plain.app.inject({
      method: 'POST',
      url: '/dashboard/login',
      headers: {
        host: 'box.local:8080',
        origin: 'http://box.local:8080',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `token=${link.token}`,
    });
    expect(answer.statusCode).toBe(303);
  });
});

describe('logs', () => {
  it('never write a sign-in token or a session token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createApp({
      services: harness.services,
      baseUrl: fixedBaseUrl(harness.baseUrl),
      logger: pino({ level: 'trace' }, stream),
    });
    const link = await harness.services.dashboardSessions.createLoginLink();
    await app.inject({ method: 'GET', url: `/dashboard/login?token=${link.token}&x=1` });
    const signedIn = await app.inject({
      method: 'POST',
      url: '/dashboard/login',
      headers: formHeaders(harness),
      payload: `token=${link.token}`,
    });
    const cookie = sessionCookieOf(signedIn);
    await app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } });
    await app.inject({ method: 'GET', url: `/dashboard/login?TOKEN=${link.token}` });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('/dashboard/login?token=[REDACTED]&x=1');
    expect(log).not.toContain(link.token);
    expect(log).not.toContain(cookie.split('=')[1]);
  });
});
