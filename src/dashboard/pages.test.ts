import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPage, signIn } from '../../test/support/dashboard.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { ASSETS } from './assets/assets.js';

// The dashboard's pages over a small store: what they show, their empty and error states, and their escaping.

const APP = '1111111111';
const QUIET_APP = '2222222222';
const testerId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NAMES: Record<number, [string, string, string]> = {
  0: ['<script>alert(1)</script>', 'Mallory', 'mallory@example.com'],
  1: ['O\'Brien & "Co"', 'Smith', 'obrien@example.com'],
  2: ['Percy', 'Cent', '100%done@example.com'],
  3: ['Under', 'Score', 'under_score@example.com'],
};

let harness: Harness;
let cookie: string;

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  const { store } = harness;
  for (const [id, name] of [
    [APP, 'Nightjar <beta>'],
    [QUIET_APP, 'Quiet'],
  ] as const) {
    await store.createApp({
      id,
      name,
      bundleId: `com.example.${id}`,
      sku: id,
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
  }
  const testers = Array.from({ length: 130 }, (_, n) => {
    const [firstName, lastName, email] = NAMES[n] ?? [`First${n}`, `Last${n}`, `tester${n}@example.com`];
    return {
      id: testerId(n),
      email,
      firstName,
      lastName,
      inviteType: 'EMAIL' as const,
      createdAt: '2023-01-01T00:00:00.000Z',
    };
  });
  await store.createTesters(testers);
  await store.addTestersToApps(
    testers.slice(0, 120).map((t) => ({
      appId: APP,
      testerId: t.id,
      state: 'INVITED' as const,
      invitedAt: '2023-01-02T00:00:00.000Z',
    })),
  );
  await store.addTestersToApps(
    testers.slice(120).map((t) => ({
      appId: QUIET_APP,
      testerId: t.id,
      state: 'INVITED' as const,
      invitedAt: '2023-01-02T00:00:00.000Z',
    })),
  );
  const events: UsageEventRecord[] = [];
  // 110 of APP's 120 testers install; tester n has n % 7 sessions on 2023-10-01 and n % 3 crashes on 2023-09-20.
  for (let n = 0; n < 110; n++) {
    const event = (type: UsageEventRecord['type'], k: number, day: string): UsageEventRecord => ({
      id: `${n}-${type}-${k}`,
      appId: APP,
      testerId: testerId(n),
      type,
      occurredAt: `${day}T08:00:00.000Z`,
      receivedAt: `${day}T08:00:00.000Z`,
    });
    events.push(event('install', 0, '2023-06-01'));
    for (let k = 0; k < n % 7; k++) events.push(event('session', k, '2023-10-01'));
    for (let k = 0; k < n % 3; k++) events.push(event('crash', k, '2023-09-20'));
    if (n % 10 === 0) events.push(event('feedback', 0, '2023-08-01'));
  }
  await store.appendUsageEvents(events);
  cookie = await signIn(harness);
});
afterAll(() => harness.close());

const page = (url: string, headers: Record<string, string> = {}) => getPage(harness, url, cookie, headers);
const rowIds = (body: string) => [...body.matchAll(/<tr data-tester="([^"]+)"/g)].map((m) => m[1] ?? '');
const metric = (body: string, name: string) =>
  new RegExp(`data-metric="${name}">([^<]*)`).exec(body)?.[1]?.replace(/,/g, '');

describe('200', () => {
  it('lists every app with its testers, escaping names', async () => {
    const apps = await page('/dashboard');
    expect(apps.statusCode).toBe(200);
    expect(apps.body).toContain('Nightjar &lt;beta&gt;');
    expect(apps.body).toContain('120 testers · 110 installed');
    expect(apps.body).toContain('10 testers · 0 installed');
    expect(apps.body).toContain(`href="/dashboard/apps/${APP}"`);
  });

  it('shows an app: periods, headline numbers, the daily chart and the first page of testers', async () => {
    const app = await page(`/dashboard/apps/${APP}`);
    expect(app.statusCode).toBe(200);
    expect(app.body).toContain(
      '<a href="/dashboard/apps/1111111111" data-period="P30D" aria-current="page">30 days</a>',
    );
    // In the last 30 days (to 2023-10-05): sessions on 10-01 and crashes on 09-20; feedback was in August.
    const sessions = Array.from({ length: 110 }, (_, n) => n % 7).reduce((a, b) => a + b, 0);
    const crashes = Array.from({ length: 110 }, (_, n) => n % 3).reduce((a, b) => a + b, 0);
    expect(metric(app.body, 'sessions')).toBe(String(sessions));
    expect(metric(app.body, 'crashes')).toBe(String(crashes));
    expect(metric(app.body, 'feedback')).toBe('0');
    expect(metric(app.body, 'crashRate')).toBe(((crashes * 100) / sessions).toFixed(1));
    expect(metric(app.body, 'activeTesters')).toBe(
      String(Array.from({ length: 110 }, (_, n) => n % 7 > 0 || n % 3 > 0).filter(Boolean).length),
    );
    expect(app.body).toContain('<svg class="bars" viewBox="0 0 30 100"');
    expect(app.body).toContain('<th scope="row">2023-10-01</th>');
    expect(rowIds(app.body)).toHaveLength(50);
    expect(app.body).toContain('Testers 1–50 of 120');
    expect(app.body).toMatch(
      /<th scope="col" class="num" aria-sort="descending"><a href="[^"]*sort=sessions&amp;dir=asc"/,
    );
    expect(app.body).toContain('href="/dashboard/apps/1111111111?page=2" data-table-link rel="next"');
    expect(app.body).toContain('<a class="skip-link" href="#main">Skip to content</a>');
  });

  it('sorts by a column the links ask for, both ways, and pages through', async () => {
    const ascending = await page(`/dashboard/apps/${APP}?sort=name&dir=asc&page=3`);
    expect(ascending.body).toContain('Testers 101–120 of 120');
    expect(ascending.body).toMatch(/aria-sort="ascending"><a href="[^"]*sort=name&amp;dir=desc"/);
    expect(ascending.body).toContain('rel="prev"');
    expect(ascending.body).not.toContain('rel="next"');
    const all: string[] = [];
    for (let p = 1; p <= 3; p++)
      all.push(...rowIds((await page(`/dashboard/apps/${APP}?sort=crashes&dir=desc&page=${p}`)).body));
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    const crashesOf = (id: string | undefined) =>
      (Number(id?.slice(-12)) % 3) * (Number(id?.slice(-12)) < 110 ? 1 : 0);
    const crashOrder = all.map(crashesOf);
    expect(crashOrder).toEqual([...crashOrder].sort((a, b) => b - a));
  });

  it('finds testers by name or email, taking % and _ literally', async () => {
    const percent = await page(`/dashboard/apps/${APP}?q=${encodeURIComponent('%')}`);
    expect(rowIds(percent.body)).toEqual([testerId(2)]);
    expect(percent.body).toContain('Testers 1–1 of 1 matching “%”');
    expect(rowIds((await page(`/dashboard/apps/${APP}?q=_`)).body)).toEqual([testerId(3)]);
    expect(rowIds((await page(`/dashboard/apps/${APP}?q=SMITH`)).body)).toEqual([testerId(1)]);
    const none = await page(`/dashboard/apps/${APP}?q=nobody`);
    expect(none.body).toContain('No tester matches “nobody”.');
    expect(none.body).toContain('Show every tester');
  });

  it('answers the table alone for the script, and the page when opened as one', async () => {
    const fragment = await page(`/dashboard/apps/${APP}/testers?sort=email&dir=asc&page=2`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('data-sort="email" data-dir="asc"');
    expect(rowIds(fragment.body)).toHaveLength(50);
    const navigated = await page(`/dashboard/apps/${APP}/testers?page=2`, { 'sec-fetch-mode': 'navigate' });
    expect(navigated.statusCode).toBe(303);
    expect(navigated.headers.location).toBe(`/dashboard/apps/${APP}?page=2`);
  });

  it("shows a tester's numbers and days, escaping their name", async () => {
    const tester = await page(`/dashboard/apps/${APP}/testers/${testerId(0)}?period=P365D`);
    expect(tester.statusCode).toBe(200);
    expect(tester.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Mallory');
    expect(tester.body).not.toContain('<script>alert(1)');
    expect(metric(tester.body, 'feedback')).toBe('1');
    expect(tester.body).toContain('last seen 1 Aug 2023');
    expect(tester.body).toContain('aria-current="page">365 days</a>');
    const obrien = await page(`/dashboard/apps/${APP}/testers/${testerId(1)}`);
    expect(obrien.body).toContain('O&#39;Brien &amp; &quot;Co&quot; Smith');
  });

  it('says no tester has installed yet, and how to send events', async () => {
    const quiet = await page(`/dashboard/apps/${QUIET_APP}`);
    expect(quiet.statusCode).toBe(200);
    expect(quiet.body).toContain('No tester has installed yet.');
    expect(quiet.body).toContain(`beta-metrics ingest-keys create --app ${QUIET_APP}`);
    expect(quiet.body).toContain('No sessions, crashes or feedback in these 30 days.');
    expect(rowIds(quiet.body)).toHaveLength(10);
  });

  it('says what to do when there is no app yet', async () => {
    const empty = await createHarness({ rateLimit: 0 });
    try {
      const apps = await getPage(empty, '/dashboard', await signIn(empty));
      expect(apps.statusCode).toBe(200);
      expect(apps.body).toContain('No app yet.');
      expect(apps.body).toContain('beta-metrics apps create');
    } finally {
      await empty.close();
    }
  });

  it('serves its few small files for a year, without a session', async () => {
    let total = 0;
    for (const asset of Object.values(ASSETS)) {
      const file = await getPage(harness, asset.href);
      expect(file.statusCode).toBe(200);
      expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(file.headers['content-type']).toBe(asset.contentType);
      total += file.rawPayload.length;
    }
    expect(total).toBeLessThan(30 * 1024);
    expect((await getPage(harness, '/dashboard/assets/dashboard.0000.css')).statusCode).toBe(404);
  });
});

describe('400', () => {
  it('says what is wrong with an address', async () => {
    for (const [query, says] of [
      ['period=P8D', '&#39;P8D&#39; is not a period'],
      ['period=P7D&period=P30D', 'Give &#39;period&#39; once'],
      ['sort=bogus', '&#39;bogus&#39; is not a column'],
      ['dir=up', '&#39;up&#39; is not a direction'],
      ['page=0', '&#39;0&#39; is not a page number'],
      [`q=${'x'.repeat(101)}`, 'longer than 100'],
    ] as const) {
      const answer = await page(`/dashboard/apps/${APP}?${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.body).toContain(says);
    }
    const undecodable = await page('/dashboard/%zz');
    expect(undecodable.statusCode).toBe(400);
    expect(undecodable.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('404', () => {
  it('answers pages, not the API’s JSON, for what does not exist', async () => {
    for (const [url, says] of [
      ['/dashboard/apps/9999999999', 'No such app'],
      [`/dashboard/apps/9999999999/testers`, 'No such app'],
      [`/dashboard/apps/${APP}/testers/nobody`, 'No such tester'],
      [`/dashboard/apps/${APP}/testers/${testerId(125)}`, 'No such tester'],
      ['/dashboard/settings', 'No such page'],
    ] as const) {
      const answer = await page(url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain(says);
    }
  });

  it('leaves the API as it was', async () => {
    const api = await harness.app.inject({ method: 'GET', url: '/v1/nope' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toBe('application/json');
  });
});
