import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { UsageValues } from './demo-server.js';
import { loadEventEnd, type Timing } from './page-timings.js';

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/** A dashboard answer the browser received, with how many tester rows it held. */
export interface RecordedAnswer {
  readonly url: string;
  readonly status: number;
  readonly rows: number;
  readonly body: string;
}

/**
 * Chromium contexts for the dashboard's browser test that record every dashboard answer, time page loads and
 * table swaps, and write screenshots.
 */
export class DashboardBrowser {
  readonly timings: Timing[] = [];
  readonly answers: RecordedAnswer[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly screenshots: string,
  ) {}

  /** A new browser (cookie jar) at `viewport`; below 500 px wide, a phone's. */
  async newContext(
    viewport: { width: number; height: number },
    options: { javaScriptEnabled?: boolean } = {},
  ) {
    const context = await this.browser.newContext({
      viewport,
      ...(viewport.width < 500 && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
      ...options,
    });
    context.on('response', (response) => {
      if (!new URL(response.url()).pathname.startsWith('/dashboard')) return;
      this.pending.push(
        response
          .text()
          .then((body) => {
            const rows = (body.match(/<tr data-tester=/g) ?? []).length;
            this.answers.push({ url: response.url(), status: response.status(), rows, body });
          })
          .catch(() => {}),
      );
    });
    return context;
  }

  /** Resolves once every answer seen so far is recorded. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shoot(target: Page, name: string) {
    const width = target.viewportSize()?.width ?? 0;
    await target.screenshot({
      path: join(this.screenshots, `${name}-${width === PHONE.width ? 'phone' : 'laptop'}.png`),
      fullPage: true,
    });
  }

  async timedLoad(target: Page, what: string) {
    this.timings.push({
      what,
      width: target.viewportSize()?.width ?? 0,
      ms: await loadEventEnd(target),
      how: 'page load (loadEventEnd)',
    });
  }

  /**
   * Does something that swaps the tester table in (its script fetches `tablePath`), and times it from the act
   * to the new table shown.
   */
  async timedSwap(target: Page, tablePath: string, what: string, act: () => Promise<void>) {
    // Marks the table shown now, to tell when another one has replaced it (its text may be the same).
    await target.evaluate("document.querySelector('#tester-table .table-status').dataset.old = 'yes'");
    const started = performance.now();
    const fetched = target.waitForResponse((r) => new URL(r.url()).pathname === tablePath);
    await act();
    expect((await fetched).status()).toBe(200);
    const swapped = async () =>
      (await target.locator('#tester-table .table-status[data-old]').count()) === 0 &&
      (await target.locator('#tester-table[aria-busy]').count()) === 0;
    await expect.poll(swapped, { interval: 5 }).toBe(true);
    this.timings.push({
      what,
      width: target.viewportSize()?.width ?? 0,
      ms: Math.round(performance.now() - started),
      how: 'table swap (click to table shown)',
    });
  }
}

/** Clicks something that navigates, and waits for the new page to load. */
export async function follow(target: Page, click: () => Promise<void>) {
  await Promise.all([target.waitForNavigation({ waitUntil: 'load' }), click()]);
}

/** The table's rows: tester id and the text of each cell. */
export async function tableRows(target: Page): Promise<Array<{ id: string; cells: string[] }>> {
  // A string, not a function: it runs in the page, and this project compiles without the DOM's types.
  const rows = (await target.evaluate(
    "[...document.querySelectorAll('#tester-table tbody tr')].map((r) => [r.dataset.tester, ...[...r.cells].map((c) => c.textContent.trim())])",
  )) as string[][];
  return rows.map(([id = '', ...cells]) => ({ id, cells }));
}

/** A number as shown: 12,345. */
export const count = (text: string | null | undefined) => Number((text ?? '').replace(/,/g, '').trim());

/** A headline number as shown, without the note under it ("4,554" of "4,554 of 9,960 installed"). */
export const headline = async (target: Page, name: string) =>
  /^[\d,.—]+/.exec((await target.locator(`[data-metric="${name}"]`).textContent()) ?? '')?.[0] ?? '';

/** The sums of the API's rows, and how many testers were active (any session, crash or feedback). */
export function totals(rows: Map<string, UsageValues>) {
  let sessionCount = 0;
  let crashCount = 0;
  let feedbackCount = 0;
  let active = 0;
  for (const v of rows.values()) {
    sessionCount += v.sessionCount;
    crashCount += v.crashCount;
    feedbackCount += v.feedbackCount;
    if (v.sessionCount + v.crashCount + v.feedbackCount > 0) active++;
  }
  return { sessionCount, crashCount, feedbackCount, active };
}

/** A table row's sessions, crashes and feedback. */
export const rowValues = (cells: string[]) => ({
  sessionCount: count(cells[3]),
  crashCount: count(cells[4]),
  feedbackCount: count(cells[5]),
});
