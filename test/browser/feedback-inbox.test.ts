import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ASSETS } from '../../src/dashboard/assets/assets.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { LAPTOP, PHONE } from '../support/dashboard-browser.js';
import {
  ATTRIBUTE_COMMENT,
  CRASH_LOG,
  INBOX_APP,
  SCRIPT_COMMENT,
  SUBMISSIONS,
  seedFeedbackInbox,
} from '../support/feedback-inbox.js';
import { createHarness, type Harness } from '../support/harness.js';

// An app's feedback inbox in Chromium: reached from the app's section links, newest first, comments with markup
// shown as typed (no script runs, no image from them loads), the server's own screenshot loaded under the
// unchanged CSP, a filter followed, the crash log saved as a file. Screenshots of the page go to .screenshots/.

const SCREENSHOTS = fileURLToPath(new URL('../../.screenshots/', import.meta.url));

let harness: Harness;
let browser: Browser;
let base: string;
/** What the page reported that must not happen: dialogs (a script ran), CSP violations, errors. */
const incidents: string[] = [];

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0, baseUrl: 'http://127.0.0.1' });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  // The dashboard's icon stands in for a screenshot this server serves; the other one is elsewhere.
  await seedFeedbackInbox(harness, () => `${base}${ASSETS.icon.href}`);
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function signedInPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    acceptDownloads: true,
    ...(viewport.width < 500 && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    incidents.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') incidents.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => incidents.push(`page error: ${error.message}`));
  const link = await harness.services.dashboardSessions.createLoginLink();
  await page.goto(`${base}/dashboard/login?token=${link.token}`);
  await Promise.all([
    page.waitForURL(`${base}/dashboard`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return page;
}

/** The submissions listed, in the page's order, as `kind id`. */
const listed = (page: Page) =>
  page
    .locator('article.feedback')
    .evaluateAll((articles) =>
      articles.map((a) => `${a.getAttribute('data-kind')} ${a.getAttribute('data-submission')}`),
    );

const article = (page: Page, id: string) => page.locator(`article[data-submission="${id}"]`);

it('shows the inbox newest first, texts as typed, filters it, and saves a crash log', async () => {
  const page = await signedInPage(LAPTOP);
  await page.goto(`${base}/dashboard/apps/${INBOX_APP}`);
  await Promise.all([
    page.waitForURL(`${base}/dashboard/apps/${INBOX_APP}/feedback`),
    page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Feedback' }).click(),
  ]);
  expect(await listed(page)).toEqual([
    `screenshot ${SUBMISSIONS.newest}`,
    `crash ${SUBMISSIONS.crash}`,
    `screenshot ${SUBMISSIONS.oldest}`,
  ]);

  // Markup in comments and logs is text: shown as typed, nothing of it runs or loads.
  expect(await article(page, SUBMISSIONS.crash).locator('p.comment').textContent()).toBe(SCRIPT_COMMENT);
  expect(await article(page, SUBMISSIONS.newest).locator('p.comment').textContent()).toBe(ATTRIBUTE_COMMENT);
  expect(await article(page, SUBMISSIONS.crash).locator('pre').textContent()).toBe(
    CRASH_LOG.split('\n').slice(0, 20).join('\n'),
  );
  expect(await page.locator('script').count()).toBe(1);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  const crash = article(page, SUBMISSIONS.crash);
  expect(await crash.locator('.feedback-from').textContent()).toBe(
    'Build 1.5 (412) · iOS · Ada Lovelace ada@example.com',
  );
  expect(await crash.locator('dl.device').getByText('Battery').locator('xpath=..').textContent()).toBe(
    'Battery82%',
  );

  // A stored screenshot shows as its JPEG rendition, loaded by its signed path under img-src 'self', inside a
  // link to the original, which opens in a new tab.
  const natural = (img: Locator) =>
    img.evaluate((element) => {
      const image = element as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number };
      return image.complete ? [image.naturalWidth, image.naturalHeight] : [];
    });
  const thumbnail = article(page, SUBMISSIONS.newest).locator('.shots img');
  expect(await thumbnail.count()).toBe(1);
  expect(await thumbnail.getAttribute('src')).toMatch(
    /^\/content\/v1\/screenshots\/100\/[0-9a-f]{64}\/320x320bb\.jpg\?/,
  );
  await expect.poll(() => natural(thumbnail)).toEqual([148, 320]);
  const opener = thumbnail.locator('xpath=..');
  expect(await opener.getAttribute('target')).toBe('_blank');
  const [tab] = await Promise.all([page.context().waitForEvent('page'), opener.click()]);
  await tab.waitForLoadState();
  expect(new URL(tab.url()).pathname).toMatch(/\/390x844bb\.png$/);
  expect(await tab.evaluate('[document.images[0].naturalWidth, document.images[0].naturalHeight]')).toEqual([
    390, 844,
  ]);
  await tab.close();
  // One given by URL on this server's host: shown by path.
  const own = article(page, SUBMISSIONS.oldest).locator('.shots img');
  expect(await own.getAttribute('src')).toBe(ASSETS.icon.href);
  await expect.poll(async () => ((await natural(own))[0] ?? 0) > 0).toBe(true);
  // One elsewhere is a link only: the page loads nothing from another origin.
  expect(
    await article(page, SUBMISSIONS.newest)
      .getByRole('link', { name: /Screenshot 2 of 2/ })
      .getAttribute('href'),
  ).toBe('https://example.invalid/screenshots/elsewhere.png');
  await page.screenshot({ path: `${SCREENSHOTS}feedback-inbox-laptop.png`, fullPage: true });

  // A filter: the kind's link.
  await Promise.all([
    page.waitForURL(`${base}/dashboard/apps/${INBOX_APP}/feedback?type=crash`),
    page.getByRole('navigation', { name: 'Kind of feedback' }).getByRole('link', { name: 'Crashes' }).click(),
  ]);
  expect(await listed(page)).toEqual([`crash ${SUBMISSIONS.crash}`]);

  // The crash's whole log, saved as a file.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download log' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`crash-${SUBMISSIONS.crash}.txt`);
  expect(await readFile(await download.path(), 'utf8')).toBe(CRASH_LOG);

  // The build form, keeping no kind: All, then build 411.
  await Promise.all([
    page.waitForURL(`${base}/dashboard/apps/${INBOX_APP}/feedback`),
    page.getByRole('navigation', { name: 'Kind of feedback' }).getByRole('link', { name: 'All' }).click(),
  ]);
  await page.getByLabel('Build').selectOption('b411');
  await Promise.all([
    page.waitForURL(`${base}/dashboard/apps/${INBOX_APP}/feedback?build=b411`),
    page.getByRole('button', { name: 'Show' }).click(),
  ]);
  expect(await listed(page)).toEqual([`screenshot ${SUBMISSIONS.oldest}`]);

  expect(incidents).toEqual([]);
  await page.context().close();
});

it('reads on a phone', async () => {
  const page = await signedInPage(PHONE);
  await page.goto(`${base}/dashboard/apps/${INBOX_APP}/feedback`);
  expect(await listed(page)).toHaveLength(3);
  // Nothing wider than the screen but the log, which scrolls in its own box.
  // (innerWidth grows with an overflow on a phone; the layout viewport, clientWidth, does not.)
  const widths = await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  expect(widths).toEqual([PHONE.width, PHONE.width]);
  await page.screenshot({ path: `${SCREENSHOTS}feedback-inbox-phone.png`, fullPage: true });
  expect(incidents).toEqual([]);
  await page.context().close();
});
