import type { Page } from 'playwright-core';

export interface Timing {
  readonly what: string;
  readonly width: number;
  readonly ms: number;
  readonly how: 'page load (loadEventEnd)' | 'table swap (click to table shown)';
}

/** When the page's last navigation finished loading, in ms from its start (Navigation Timing). */
export async function loadEventEnd(page: Page): Promise<number> {
  // A string, not a function: it runs in the page, and this project compiles without the DOM's types. Polled
  // from here: waitForFunction would evaluate it with eval(), which the pages' CSP forbids.
  const loaded = "performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? 0";
  for (let tries = 0; tries < 500; tries++) {
    const at = Number(await page.evaluate(loaded));
    if (at > 0) return Math.round(at);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the page never finished loading');
}

/** The figures as a table for the test's output. */
export function timingTable(timings: readonly Timing[]): string {
  const rows = timings.map(
    (t) => `${t.what.padEnd(44)} ${String(t.width).padStart(5)} px ${String(t.ms).padStart(6)} ms  ${t.how}`,
  );
  return ['Dashboard timings on the demo with 10,000 testers (not asserted: figures to read):', ...rows].join(
    '\n',
  );
}
