import type { UsageEventRecord } from '../../src/domain/records/usage-event-record.js';
import type { UsageEventType } from '../../src/domain/usage-event.js';
import type { Store } from '../../src/storage/store.js';
import { seedApp } from './harness.js';

/**
 * The data the sibling metrics tests read (docs/apple-behavior.md, §7), written through the store as ingestion
 * writes it, with the report date of the harness (2023-10-05). App 500 has testers s1..s6 (s6 never installed)
 * and builds b7 (number 7) and b8 (number 8); app 501 has s1 and s2. Group g1 of app 500 holds s1, s3, s5 and s6
 * and has build b7, group g2 holds s2; s4 is given b7 individually. `EVENTS` is every tester event, so a test
 * sums what it expects from them directly.
 */
export const SIBLING_APP = '500';
export const OTHER_APP = '501';
export const GROUP = 'g1';
export const OTHER_GROUP = 'g2';
export const BUILD = 'b7';
export const OTHER_BUILD = 'b8';

const at = (day: string) => `${day}T10:00:00.000Z`;
let serial = 0;
function events(
  appId: string,
  testerId: string,
  day: string,
  build: string | undefined,
  counts: Partial<Record<UsageEventType, number>>,
): UsageEventRecord[] {
  return Object.entries(counts).flatMap(([type, n]) =>
    Array.from({ length: n ?? 0 }, () => ({
      id: `sib-${serial++}`,
      appId,
      testerId,
      type: type as UsageEventType,
      occurredAt: at(day),
      receivedAt: at(day),
      ...(build !== undefined && { build }),
    })),
  );
}

export const EVENTS: readonly UsageEventRecord[] = [
  ...events('500', 's1', '2023-10-01', '7', { install: 1, session: 3, crash: 1 }),
  ...events('500', 's1', '2023-08-15', '7', { session: 2, feedback: 1 }),
  ...events('500', 's2', '2023-09-20', '7', { install: 1, session: 2, feedback: 1 }),
  ...events('500', 's3', '2023-06-01', '8', { install: 1, session: 5, crash: 2 }),
  ...events('500', 's3', '2022-09-01', '7', { session: 9 }),
  ...events('500', 's4', '2023-10-05', '7', { install: 1, crash: 1 }),
  ...events('500', 's5', '2023-10-04', undefined, { install: 1, session: 1 }),
  ...events('501', 's1', '2023-10-02', '7', { install: 1, session: 4, feedback: 2 }),
  ...events('501', 's2', '2023-01-10', '1', { install: 1, crash: 3 }),
];

export async function seedSiblings(store: Store): Promise<void> {
  await seedApp(
    store,
    SIBLING_APP,
    ['s1', 's2', 's3', 's4', 's5', 's6'].map((id) => ({ id, installed: false })),
  );
  await seedApp(store, OTHER_APP, [
    { id: 's1', installed: false },
    { id: 's2', installed: false },
  ]);
  await store.appendUsageEvents(EVENTS);
  await store.createBuild({ id: BUILD, appId: SIBLING_APP, version: '7', uploadedAt: at('2023-08-01') });
  await store.createBuild({
    id: OTHER_BUILD,
    appId: SIBLING_APP,
    version: '8',
    uploadedAt: at('2023-05-01'),
  });
  const group = (id: string) => ({
    id,
    appId: SIBLING_APP,
    name: `Group ${id}`,
    isInternal: false,
    createdAt: at('2023-01-01'),
  });
  await store.createBetaGroup(group(GROUP), ['s1', 's3', 's5', 's6']);
  await store.createBetaGroup(group(OTHER_GROUP), ['s2']);
  await store.addToBetaGroup(GROUP, { buildIds: [BUILD] });
  await store.addIndividualTesters(BUILD, ['s4']);
}

/** The sums of `EVENTS` that match `keep`, as Apple's values name them. */
export function sumEvents(keep: (event: UsageEventRecord) => boolean) {
  const sums = { crashCount: 0, installCount: 0, sessionCount: 0, feedbackCount: 0 };
  for (const event of EVENTS.filter(keep)) {
    if (event.type === 'crash') sums.crashCount++;
    if (event.type === 'install') sums.installCount++;
    if (event.type === 'session') sums.sessionCount++;
    if (event.type === 'feedback') sums.feedbackCount++;
  }
  return sums;
}

/** Whether an event's UTC day lies in the window of `days` days ending with the report date 2023-10-05. */
export function inLastDays(event: UsageEventRecord, days: number): boolean {
  const day = event.occurredAt.slice(0, 10);
  const first = new Date(Date.parse('2023-10-05T00:00:00Z') - (days - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return day >= first && day <= '2023-10-05';
}
