import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import {
  count,
  DashboardBrowser,
  follow,
  headline,
  LAPTOP,
  PHONE,
  rowValues,
  tableRows,
  totals,
} from '../support/dashboard-browser.js';
import { type DemoServer, startDemoServer } from '../support/demo-server.js';
import { timingTable } from '../support/page-timings.js';

// The dashboard in a real browser: the built server with the demo's second app grown to 10,000
// testers, signed in to through a `dashboard-link` link, used as a person would, its numbers compared with
// the API's. Page loads are measured and printed, not asserted (no timing assertions in tests); the figures
// and a screenshot of each page at a laptop's and a phone's width go to .screenshots/.

const TESTERS = 10_000;
const APP = '6448250830'; // the demo's second app, Tide Tables
const TABLE_PATH = `/dashboard/apps/${APP}/testers`;
const SCREENSHOTS = fileURLToPath(new URL('../../.screenshots/', import.meta.url));
const ROWS_PER_PAGE = 50;

let dir: string;
let server: DemoServer;
let browser: Browser;
let chrome: DashboardBrowser;
let laptop: BrowserContext;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-browser-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  server = await startDemoServer(dir, TESTERS);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  chrome = new DashboardBrowser(browser, SCREENSHOTS);
  laptop = await chrome.newContext(LAPTOP);
  page = await laptop.newPage();
});

afterAll(async () => {
  await chrome?.settled();
  await browser?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
  if (chrome !== undefined && chrome.timings.length > 0) {
    console.log(timingTable(chrome.timings));
    await writeFile(join(SCREENSHOTS, 'timings.json'), `${JSON.stringify(chrome.timings, null, 2)}\n`);
  }
});

describe('the dashboard in Chromium, on 10,000 testers', () => {
  it('refuses the pages without a session, and says how to sign in', async () => {
    const stranger = await chrome.newContext(LAPTOP);
    const tab = await stranger.newPage();
    const answer = await tab.goto(`${server.baseUrl}/dashboard/apps/${APP}`);
    expect(answer?.status()).toBe(401);
    await expect.poll(() => tab.locator('main').textContent()).toContain('beta-metrics dashboard-link');
    await chrome.shoot(tab, 'sign-in');
    await stranger.close();
  });

  it('signs in through a one-time link from dashboard-link', async () => {
    const link = await server.loginLink();
    await page.goto(link);
    await chrome.shoot(page, 'sign-in-link');
    await Promise.all([
      page.waitForURL(`${server.baseUrl}/dashboard`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await chrome.timedLoad(page, 'apps');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Apps');
    await expect
      .poll(() => page.locator('.apps').textContent())
      .toContain(`${TESTERS.toLocaleString('en-US')} testers`);
    const [cookie] = (await laptop.cookies()).filter((c) => c.name === 'bm_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    await chrome.shoot(page, 'apps');

    // The same link again, in another browser: spent.
    const other = await chrome.newContext(LAPTOP);
    const tab = await other.newPage();
    await tab.goto(link);
    const [again] = await Promise.all([
      tab.waitForNavigation(),
      tab.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(again?.status()).toBe(401);
    await other.close();
  });

  it("switches periods, each with the API's headline numbers", async () => {
    const expectHeadline = async (period: string) => {
      const api = totals(await server.usage(APP, period));
      expect(count(await headline(page, 'sessions')), period).toBe(api.sessionCount);
      expect(count(await headline(page, 'crashes')), period).toBe(api.crashCount);
      expect(count(await headline(page, 'feedback')), period).toBe(api.feedbackCount);
      expect(count(await headline(page, 'activeTesters')), period).toBe(api.active);
      expect(await headline(page, 'crashRate'), period).toBe(
        ((api.crashCount * 100) / api.sessionCount).toFixed(1),
      );
    };
    await follow(page, () => page.getByRole('link', { name: 'Tide Tables' }).click());
    expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}`);
    await chrome.timedLoad(page, 'app, 30 days (the default)');
    await chrome.shoot(page, 'app-30-days');
    // The first screenful alone: what docs/dashboard.png shows.
    await page.screenshot({ path: join(SCREENSHOTS, 'app-30-days-laptop-top.png') });
    await expectHeadline('P30D');
    for (const [period, days] of [
      ['P7D', 7],
      ['P90D', 90],
      ['P365D', 365],
    ] as const) {
      await follow(page, () => page.getByRole('link', { name: `${days} days`, exact: true }).click());
      expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}?period=${period}`);
      await chrome.timedLoad(page, `app, ${days} days`);
      if (period === 'P365D') await chrome.shoot(page, 'app-365-days');
      await expectHeadline(period);
    }
    await follow(page, () => page.getByRole('link', { name: '30 days', exact: true }).click());
    expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}`);
  });

  it("sorts, pages and filters the table a page at a time, with the API's numbers in its rows", async () => {
    const api = await server.usage(APP, 'P30D');
    const checkRows = async () => {
      const rows = await tableRows(page);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThanOrEqual(ROWS_PER_PAGE);
      for (const row of rows)
        expect(rowValues(row.cells), row.id).toEqual(
          api.get(row.id) ?? { sessionCount: 0, crashCount: 0, feedbackCount: 0 },
        );
      return rows;
    };
    await expect
      .poll(() => page.locator('#tester-table .table-status').textContent())
      .toBe(`Testers 1–50 of ${TESTERS.toLocaleString('en-US')}`);
    const first = await checkRows();
    expect(first.map((r) => count(r.cells[3]))).toEqual(
      first.map((r) => count(r.cells[3])).sort((a, b) => b - a),
    );

    const crashes = page.locator('a[data-sort-key="crashes"]');
    await chrome.timedSwap(page, TABLE_PATH, 'table: sort by crashes', () => crashes.click());
    expect(page.url()).toContain('sort=crashes&dir=desc');
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toContain('Crashes');
    const byCrashes = (await checkRows()).map((r) => count(r.cells[4]));
    expect(byCrashes).toEqual([...byCrashes].sort((a, b) => b - a));
    await chrome.shoot(page, 'app-sorted-by-crashes');

    await chrome.timedSwap(page, TABLE_PATH, 'table: next page', () => page.locator('a[rel="next"]').click());
    await expect
      .poll(() => page.locator('#tester-table .table-status').textContent())
      .toBe(`Testers 51–100 of ${TESTERS.toLocaleString('en-US')}`);
    expect(page.url()).toContain('page=2');
    await checkRows();

    // By keyboard: the header links are links; Enter sorts, and focus stays on the header.
    await page.locator('a[data-sort-key="name"]').focus();
    await chrome.timedSwap(page, TABLE_PATH, 'table: sort by name (keyboard)', () =>
      page.keyboard.press('Enter'),
    );
    await expect.poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toContain('Name');
    expect(await page.evaluate('document.activeElement?.dataset.sortKey')).toBe('name');
    const names = (await checkRows()).map((r) => (r.cells[0] ?? '').toLowerCase());
    expect(names).toEqual([...names].sort());

    await chrome.timedSwap(page, TABLE_PATH, 'table: find "smith"', () =>
      page.getByLabel('Find a tester').fill('smith'),
    );
    await expect
      .poll(() => page.locator('#tester-table .table-status').textContent())
      .toContain('matching “smith”');
    for (const row of await checkRows())
      expect(`${row.cells[0]} ${row.cells[1]}`.toLowerCase()).toContain('smith');
    expect(page.url()).toContain('q=smith');
    await chrome.shoot(page, 'app-filtered');

    // Back goes to the table before the filter.
    await chrome.timedSwap(page, TABLE_PATH, 'table: back', () => page.goBack().then(() => undefined));
    await expect
      .poll(() => page.locator('#tester-table .table-status').textContent())
      .toBe(`Testers 1–50 of ${TESTERS.toLocaleString('en-US')}`);
    expect(page.url()).toContain('sort=name');
  });

  it("opens a tester, with the API's numbers for them", async () => {
    const [row] = await tableRows(page);
    const id = row?.id ?? '';
    await follow(page, () => page.locator(`tr[data-tester="${id}"] a`).click());
    await chrome.timedLoad(page, 'tester, 30 days');
    await chrome.shoot(page, 'tester');
    for (const [period, days] of [
      ['P30D', 30],
      ['P365D', 365],
    ] as const) {
      if (period === 'P365D') {
        await follow(page, () => page.getByRole('link', { name: `${days} days`, exact: true }).click());
        await chrome.timedLoad(page, 'tester, 365 days');
      }
      const [want] = (await server.usage(APP, period, id)).values();
      expect(count(await headline(page, 'sessions'))).toBe(want?.sessionCount);
      expect(count(await headline(page, 'crashes'))).toBe(want?.crashCount);
      expect(count(await headline(page, 'feedback'))).toBe(want?.feedbackCount);
    }
  });

  it('works without script: sorting and paging are links', async () => {
    const plain = await chrome.newContext(LAPTOP, { javaScriptEnabled: false });
    await plain.addCookies(await laptop.cookies());
    const tab = await plain.newPage();
    await tab.goto(`${server.baseUrl}/dashboard/apps/${APP}?period=P7D`);
    await follow(tab, () => tab.locator('a[data-sort-key="feedback"]').click());
    expect(tab.url()).toContain('sort=feedback&dir=desc');
    const feedback = (await tab.locator('#tester-table tbody tr td:nth-child(6)').allTextContents()).map(
      count,
    );
    expect(feedback).toHaveLength(ROWS_PER_PAGE);
    expect(feedback).toEqual([...feedback].sort((a, b) => b - a));
    await follow(tab, () => tab.locator('a[rel="next"]').click());
    await expect
      .poll(() => tab.locator('#tester-table .table-status').textContent())
      .toBe(`Testers 51–100 of ${TESTERS.toLocaleString('en-US')}`);
    await plain.close();
  });

  it("is readable at a phone's width: only the table scrolls sideways", async () => {
    const phone = await chrome.newContext(PHONE);
    await phone.addCookies(await laptop.cookies());
    const tab = await phone.newPage();
    for (const [name, path] of [
      ['apps', '/dashboard'],
      ['app-30-days', `/dashboard/apps/${APP}`],
      ['app-365-days', `/dashboard/apps/${APP}?period=P365D`],
    ] as const) {
      await tab.goto(`${server.baseUrl}${path}`);
      await chrome.timedLoad(tab, name.replace(/-/g, ' '));
      expect(Number(await tab.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
        PHONE.width,
      );
      await chrome.shoot(tab, name);
    }
    expect(
      Number(await tab.evaluate("document.querySelector('.testers .table-scroll').scrollWidth")),
    ).toBeGreaterThan(PHONE.width);
    await follow(tab, () => tab.locator('#tester-table tbody tr a').first().click());
    await chrome.timedLoad(tab, 'tester');
    expect(Number(await tab.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      PHONE.width,
    );
    await chrome.shoot(tab, 'tester');
    await phone.close();
  });

  it("shows the app's builds, whose numbers add up to the app's, and its groups with their testers", async () => {
    const column = async (tab: Page, n: number) =>
      (await tab.locator(`table.builds tr[data-build] > :nth-child(${n})`).allTextContents()).map(count);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    await page.goto(`${server.baseUrl}/dashboard/apps/${APP}`);
    await follow(page, () => page.getByRole('link', { name: 'Builds', exact: true }).click());
    expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}/builds`);
    await chrome.timedLoad(page, 'builds, 30 days');
    await chrome.shoot(page, 'builds');
    for (const [period, days] of [
      ['P30D', 30],
      ['P365D', 365],
    ] as const) {
      if (period === 'P365D') {
        await follow(page, () => page.getByRole('link', { name: `${days} days`, exact: true }).click());
        expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}/builds?period=P365D`);
        await chrome.timedLoad(page, 'builds, 365 days');
      }
      const api = totals(await server.usage(APP, period));
      // Every event of the app is of one build or among the other events: the columns add up to the API's.
      expect(sum(await column(page, 4)), period).toBe(api.sessionCount);
      expect(sum(await column(page, 5)), period).toBe(api.crashCount);
      expect(sum(await column(page, 7)), period).toBe(api.feedbackCount);
      const uploaded = await page
        .locator('table.builds tr[data-build] time')
        .evaluateAll((times) => times.map((t) => t.getAttribute('datetime') ?? ''));
      expect(uploaded.length).toBeGreaterThan(1);
      expect(uploaded).toEqual([...uploaded].sort().reverse());
    }

    await follow(page, () => page.getByRole('link', { name: 'Groups', exact: true }).click());
    expect(page.url()).toBe(`${server.baseUrl}/dashboard/apps/${APP}/groups?period=P365D`);
    await chrome.timedLoad(page, 'groups');
    await chrome.shoot(page, 'groups');
    const groups = await page
      .locator('table.groups tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [r.querySelector('a')?.textContent ?? '', r.lastElementChild?.textContent ?? '']),
      );
    expect(groups.length).toBeGreaterThan(0);
    const [name = '', members = ''] = groups.at(-1) ?? [];
    await follow(page, () => page.getByRole('link', { name, exact: true }).click());
    await chrome.timedLoad(page, 'group, 365 days');
    await chrome.shoot(page, 'group');
    await expect
      .poll(() => page.locator('#tester-table .table-status').textContent())
      .toContain(`of ${members.trim()}`);
    const api = await server.usage(APP, 'P365D');
    const rows = await tableRows(page);
    expect(rows.length).toBe(Math.min(ROWS_PER_PAGE, count(members)));
    for (const row of rows)
      expect(rowValues(row.cells), row.id).toEqual(
        api.get(row.id) ?? { sessionCount: 0, crashCount: 0, feedbackCount: 0 },
      );
    // Sorting swaps in the group's table alone.
    const groupPath = new URL(page.url()).pathname;
    await chrome.timedSwap(page, `${groupPath}/testers`, 'group table: sort by crashes', () =>
      page.locator('a[data-sort-key="crashes"]').click(),
    );
    const crashes = (await tableRows(page)).map((r) => count(r.cells[4]));
    expect(crashes).toEqual([...crashes].sort((a, b) => b - a));

    const phone = await chrome.newContext(PHONE);
    await phone.addCookies(await laptop.cookies());
    const tab = await phone.newPage();
    for (const [shot, path] of [
      ['builds', `/dashboard/apps/${APP}/builds`],
      ['groups', `/dashboard/apps/${APP}/groups`],
      ['group', groupPath],
    ] as const) {
      await tab.goto(`${server.baseUrl}${path}`);
      expect(Number(await tab.evaluate('document.documentElement.scrollWidth')), shot).toBeLessThanOrEqual(
        PHONE.width,
      );
      await chrome.shoot(tab, shot);
    }
    await phone.close();
  });

  it('never fetches more than one page of testers, nor shows a token', async () => {
    await chrome.settled();
    const cookie = (await laptop.cookies()).find((c) => c.name === 'bm_session')?.value ?? '';
    expect(chrome.answers.length).toBeGreaterThan(10);
    for (const answer of chrome.answers) {
      expect(answer.rows, answer.url).toBeLessThanOrEqual(ROWS_PER_PAGE);
      expect(answer.body).not.toContain(server.apiToken);
      expect(answer.body).not.toContain(cookie);
      expect(answer.body).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
    expect(
      chrome.answers.some((a) => new URL(a.url).pathname.endsWith('/testers') && a.rows === ROWS_PER_PAGE),
    ).toBe(true);
  });

  it('signs out, after which the session is refused', async () => {
    const cookies = await laptop.cookies();
    await Promise.all([
      page.waitForURL(`${server.baseUrl}/dashboard`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await expect.poll(() => page.locator('main').textContent()).toContain('beta-metrics dashboard-link');
    const replay = await chrome.newContext(LAPTOP);
    await replay.addCookies(cookies);
    const tab = await replay.newPage();
    expect((await tab.goto(`${server.baseUrl}/dashboard`))?.status()).toBe(401);
    await replay.close();
  });
});
