import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { createHarness, type Harness, seedApp } from '../support/harness.js';

// A group page's forms in a real browser: what Chromium sends with them (its Origin and Sec-Fetch-Site under the
// pages' no-referrer policy, its form encoding) passes the dashboard's same-origin check, and each change shows
// on the page it comes back to. The server is in process on port 0.

let harness: Harness;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0, baseUrl: 'http://127.0.0.1' });
  await seedApp(harness.store, '100', [{ id: 't1', sessions: 1 }]);
  await harness.services.betaGroups.create({ appId: '100', name: 'Crew', id: 'g1', testerIds: ['t1'] });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  const link = await harness.services.dashboardSessions.createLoginLink();
  await page.goto(`${base}/dashboard/login?token=${link.token}`);
  await Promise.all([
    page.waitForURL(`${base}/dashboard`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

const testerEmails = () =>
  page.locator('#tester-table tbody tr').evaluateAll((rows) => rows.map((r) => r.cells[1]?.textContent));

it('invites a tester into the group, shows a refusal, and removes a member, from the page itself', async () => {
  await page.goto(`${base}/dashboard/apps/100/groups/g1?period=P7D`);
  expect(await testerEmails()).toEqual(['t1@example.com']);

  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('First name').fill('Ada');
  const [invited] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Invite' }).click(),
  ]);
  expect(invited?.url()).toBe(`${base}/dashboard/apps/100/groups/g1?period=P7D`);
  expect((await testerEmails()).sort()).toEqual(['ada@example.com', 't1@example.com']);

  await page.getByLabel('Email').fill('t1@example.com');
  const [refused] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Invite' }).click(),
  ]);
  expect(refused?.status()).toBe(409);
  expect(await page.getByRole('alert').textContent()).toBe("Tester 't1' is already in beta group 'g1'");
  expect(await page.getByLabel('Email').inputValue()).toBe('t1@example.com');

  const [removed] = await Promise.all([
    page.waitForNavigation(),
    page
      .locator('tr[data-tester="t1"]')
      .getByRole('button', { name: /from group/ })
      .click(),
  ]);
  expect(removed?.status()).toBe(200);
  expect(await testerEmails()).toEqual(['ada@example.com']);
  expect((await harness.services.betaTesters.find('t1'))?.apps).toEqual([
    { appId: '100', state: 'INSTALLED' },
  ]);
});
