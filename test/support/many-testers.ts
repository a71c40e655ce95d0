import { fixedClock, systemClock } from '../../src/domain/clock.js';
import { createApp } from '../../src/main/create-app.js';
import { baseUrlFromHostHeader } from '../../src/http/links.js';
import type { CreatedApiKey } from '../../src/services/api-keys.js';
import { inMemoryRateLimiter } from '../../src/services/rate-limiter.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openStore } from '../../src/storage/open-store.js';
import type { TesterRecord } from '../../src/domain/records/tester.js';
import type { UsageEventRecord } from '../../src/domain/records/usage-event-record.js';
import type { Store } from '../../src/storage/store.js';
import { testStoreLocation } from './test-database.js';

/**
 * An app with thousands of testers for the client and the `usage` command: most installed, with usage that
 * differs between testers and periods; some only invited (they never appear in the metrics); and names that
 * test quoting (a comma, quotes, a line break, a terminal escape, no name at all).
 */

/** The report date of these fixtures. */
export const MANY_REPORT_TIME = '2023-10-05T12:00:00Z';
export const MANY_APP = '1234567890';

export interface ExpectedRow {
  testerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  sessionCount: number;
  crashCount: number;
  feedbackCount: number;
}

export interface ManyTesters {
  /** Every installed tester, by id, with the counts of the default period (365 days). */
  readonly rows: readonly ExpectedRow[];
  /** The same testers over 7 days: the older sessions left out. */
  readonly rows7d: readonly ExpectedRow[];
  /** Testers of the app who never installed it. */
  readonly invitedOnly: readonly string[];
}

const testerId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const SPECIAL_NAMES: Record<number, [string | null, string | null]> = {
  0: ['Zoë', 'O"Brien, Jr.'],
  1: ['Line\nBreak', 'Smith'],
  2: ['Esc', 'Red\u001b[31m'],
  3: [null, null],
};

export async function seedManyTesters(store: Store, installed = 2500, invited = 40): Promise<ManyTesters> {
  const createdAt = '2023-01-01T00:00:00.000Z';
  await store.createApp({
    id: MANY_APP,
    name: 'Many',
    bundleId: 'com.example.many',
    sku: 'MANY',
    primaryLocale: 'en-US',
    createdAt,
  });
  const testers: TesterRecord[] = [];
  for (let n = 0; n < installed + invited; n++) {
    const [firstName, lastName] = SPECIAL_NAMES[n] ?? [`First${n}`, `Last${n}`];
    testers.push({
      id: testerId(n),
      email: `tester${n}@example.com`,
      firstName,
      lastName,
      inviteType: 'EMAIL',
      createdAt,
    });
  }
  await store.createTesters(testers);
  await store.addTestersToApps(
    testers.map((tester) => ({
      appId: MANY_APP,
      testerId: tester.id,
      state: 'INVITED' as const,
      invitedAt: createdAt,
    })),
  );

  const rows: ExpectedRow[] = [];
  const rows7d: ExpectedRow[] = [];
  const events: UsageEventRecord[] = [];
  for (let n = 0; n < installed; n++) {
    const tester = testers[n];
    if (tester === undefined) throw new Error('unreachable');
    const recent = { sessionCount: n % 11, crashCount: n % 4, feedbackCount: n % 3 };
    // Every tenth tester also had sessions in August: in 365 days, not in 7.
    const older = n % 10 === 0 ? 5 : 0;
    const event = (type: UsageEventRecord['type'], k: number, day: string): UsageEventRecord => {
      const occurredAt = `${day}T10:00:00.000Z`;
      return {
        id: `${tester.id}-${type}-${k}-${day}`,
        appId: MANY_APP,
        testerId: tester.id,
        type,
        occurredAt,
        receivedAt: occurredAt,
      };
    };
    events.push(event('install', 0, '2023-08-01'));
    for (let k = 0; k < recent.sessionCount; k++) events.push(event('session', k, '2023-10-01'));
    for (let k = 0; k < recent.crashCount; k++) events.push(event('crash', k, '2023-10-02'));
    for (let k = 0; k < recent.feedbackCount; k++) events.push(event('feedback', k, '2023-10-03'));
    for (let k = 0; k < older; k++) events.push(event('session', k, '2023-08-02'));
    const who = {
      testerId: tester.id,
      firstName: tester.firstName,
      lastName: tester.lastName,
      email: tester.email,
    };
    rows.push({ ...who, ...recent, sessionCount: recent.sessionCount + older });
    rows7d.push({ ...who, ...recent });
  }
  for (let first = 0; first < events.length; first += 5000) {
    await store.appendUsageEvents(events.slice(first, first + 5000));
  }
  return { rows, rows7d, invitedOnly: testers.slice(installed).map((tester) => tester.id) };
}

/** Sums of a report's counts. */
export function totalsOf(
  rows: readonly Pick<ExpectedRow, 'sessionCount' | 'crashCount' | 'feedbackCount'>[],
) {
  return rows.reduce(
    (sum, row) => ({
      sessionCount: sum.sessionCount + row.sessionCount,
      crashCount: sum.crashCount + row.crashCount,
      feedbackCount: sum.feedbackCount + row.feedbackCount,
    }),
    { sessionCount: 0, crashCount: 0, feedbackCount: 0 },
  );
}

export interface ManyTestersServer {
  /** `http://127.0.0.1:<port>`; links are built on the host the client called. */
  readonly url: string;
  readonly seeded: ManyTesters;
  readonly admin: CreatedApiKey;
  readonly services: Services;
  close(): Promise<void>;
}

/** A real beta-metrics server (Fastify, listening on a free port) over a test store with many testers. */
export async function startManyTestersServer(installed = 2500, invited = 40): Promise<ManyTestersServer> {
  const location = await testStoreLocation();
  const store = await openStore(location.location);
  const seeded = await seedManyTesters(store, installed, invited);
  const services = await createServices(store, {
    clock: systemClock,
    reportClock: fixedClock(new Date(MANY_REPORT_TIME)),
  });
  const app = createApp({
    services,
    rateLimiter: inMemoryRateLimiter(3600, systemClock),
    baseUrl: baseUrlFromHostHeader,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await services.apiKeys.create({ name: 'usage admin', role: 'ADMIN' });
  return {
    url,
    seeded,
    admin,
    services,
    async close() {
      await app.close();
      await store.close();
      await location.cleanup();
    },
  };
}
