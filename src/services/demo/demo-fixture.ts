import type { UsageValues } from '../../domain/usage-values.js';

/**
 * What the endpoint's page fixes (test/fixtures/spec/seed-read-beta-tester-metrics-for-an-app.md): its two apps,
 * the testers its examples show with their P365D values, and the report date that makes its dataPoints span
 * 2022-10-05 -> 2023-10-05. The rest of the demo is generated around these (demo-data.ts).
 */

export const DEMO_REPORT_TIME = new Date('2023-10-05T12:00:00Z');

/** The first example's app: 931 installed testers, of which these five sort first. */
export const PAGE_APP = {
  id: '6447306070',
  name: 'Lumen Notes',
  bundleId: 'com.example.lumennotes',
} as const;
/** The second example's app. */
export const SECOND_APP = {
  id: '6448250830',
  name: 'Tide Tables',
  bundleId: 'com.example.tidetables',
} as const;

export const PAGE_APP_INSTALLED_TESTERS = 931;

export interface FixedTester {
  readonly id: string;
  readonly appId: string;
  /** Usage over P365D ending on DEMO_REPORT_TIME, as the example shows it. */
  readonly year: UsageValues;
}

export const FIXED_TESTERS: readonly FixedTester[] = [
  {
    id: '8fa019c6-a92a-4563-ab06-577daa03c5d1',
    appId: PAGE_APP.id,
    year: { crashCount: 0, sessionCount: 21, feedbackCount: 1 },
  },
  {
    id: '98a05411-af84-40bf-919a-dc32c75e9e32',
    appId: PAGE_APP.id,
    year: { crashCount: 5, sessionCount: 5, feedbackCount: 0 },
  },
  {
    id: '993a21fd-980c-4ae3-9767-0eb50095f70e',
    appId: PAGE_APP.id,
    year: { crashCount: 1, sessionCount: 2, feedbackCount: 1 },
  },
  {
    id: '9988d713-a315-45ae-9147-1fe119b9eea9',
    appId: PAGE_APP.id,
    year: { crashCount: 4, sessionCount: 16, feedbackCount: 4 },
  },
  {
    id: '99e5ee74-39c3-4f52-86be-041c0fee2c6f',
    appId: PAGE_APP.id,
    year: { crashCount: 0, sessionCount: 200, feedbackCount: 10 },
  },
  {
    id: 'cd082742-b2ec-4e63-b63f-6732f3e7abdd',
    appId: SECOND_APP.id,
    year: { crashCount: 4, sessionCount: 16, feedbackCount: 0 },
  },
];

/**
 * The demo store's cursor key. Every other store gets 32 random bytes; the demo's is chosen so that its first
 * page's `next` link carries exactly the page's `cursor=BQ.TGQPUQ`: the nonce was found by a search over 2^32
 * keys (scripts/find-demo-cursor-key.c, a few minutes on two cores), and anyone can check it. The demo's
 * cursors can therefore be forged by anyone who reads this file, which is harmless for demo data.
 */
export const DEMO_CURSOR_KEY_NONCE = 0x22a1823a;

export function demoCursorKey(): Buffer {
  return Buffer.from(`beta-metrics-demo-${DEMO_CURSOR_KEY_NONCE.toString(16).padStart(8, '0')}`);
}
