import { beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../domain/calendar-day.js';
import { TESTER_SORT_KEYS, type TesterSortKey } from '../domain/tester-sort.js';
import type { UsageValues } from '../domain/usage-values.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import type { TesterUsageRow } from '../domain/records/app-usage.js';
import type { TesterRecord } from '../domain/records/tester.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { Store } from './store.js';

/**
 * The dashboard's page reads (dashboard-store.ts) checked against the raw events themselves, not against
 * another rollup read; every backend runs this through describeDashboardStore.
 */
export function describeDashboardReads(context: { store(): Store }): void {
  describe('page reads', () => {
    let store: Store;
    const APP = 'a1';
    const names: Array<[string | null, string | null, string]> = [
      ['Ada', 'Lovelace', 'ada@example.com'],
      ['ada', 'Byron', 'Byron@Example.com'],
      ['Zoë', 'Ünver', 'zoe@example.com'],
      [null, null, 'anon@example.com'],
      ['100%', 'Sure', 'percent@example.com'],
      ['Under_score', 'Tester', 'under@example.com'],
      ['Back\\slash', 'Tester', 'back@example.com'],
      ['Bob', 'Ng', 'bob@example.com'],
      ['Carol', 'Ng', 'carol@example.com'],
      ['Dan', 'Invited', 'dan@example.com'],
      ['Eve', 'Revoked', 'eve@example.com'],
      ['Fay', 'Quiet', 'fay@example.com'],
    ];
    const testers: TesterRecord[] = names.map(([firstName, lastName, email], i) => ({
      id: `t${String((i * 7) % 12).padStart(2, '0')}`,
      email,
      firstName,
      lastName,
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    }));
    const random = new SeededRandom(7);
    const raw: UsageEventRecord[] = [];

    beforeEach(async () => {
      store = context.store();
      raw.length = 0;
      for (const id of [APP, 'a2']) {
        await store.createApp({
          id,
          name: `App ${id}`,
          bundleId: `com.example.${id}`,
          sku: id,
          primaryLocale: 'en-US',
          createdAt: '2023-01-01T00:00:00.000Z',
        });
      }
      await store.createTesters(testers);
      await store.addTestersToApps(
        testers.map((tester) => ({
          appId: APP,
          testerId: tester.id,
          state: tester.lastName === 'Revoked' ? 'REVOKED' : 'INVITED',
          invitedAt: '2023-01-02T00:00:00.000Z',
        })),
      );
      await store.addTestersToApps([
        { appId: 'a2', testerId: 't00', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
      ]);
      // Usage over 19 months for all but Dan (never installed); Fay only installed, long ago.
      const active = testers.filter((t) => t.lastName !== 'Invited' && t.lastName !== 'Quiet');
      const types: UsageEventRecord['type'][] = [
        'session',
        'session',
        'session',
        'crash',
        'feedback',
        'install',
      ];
      for (let i = 0; i < 900; i++) {
        const at = new Date(Date.parse('2023-01-01T00:00:00Z') + random.int(0, 546 * 86_400 - 1) * 1000);
        const appId = random.chance(0.9) ? APP : 'a2';
        raw.push({
          id: `e${i}`,
          appId,
          // As ingestion checks: only testers of the app send its events (t00 alone in a2).
          testerId: appId === APP ? random.pick(active).id : 't00',
          type: random.pick(types),
          occurredAt: at.toISOString(),
          receivedAt: at.toISOString(),
          build: String(random.int(1, 3)),
        });
      }
      const quiet = testers.find((t) => t.lastName === 'Quiet');
      if (quiet !== undefined)
        raw.push({
          id: 'quiet',
          appId: APP,
          testerId: quiet.id,
          type: 'install',
          occurredAt: '2023-02-01T00:00:00.000Z',
          receivedAt: '2023-02-01T00:00:00.000Z',
        });
      for (let i = 0; i < raw.length; i += 200) await store.appendUsageEvents(raw.slice(i, i + 200));
      // a2's events stay out of a1's sums.
      raw.splice(0, raw.length, ...raw.filter((event) => event.appId === APP));
    });

    const rawSums = (first: string, last: string) => {
      const sums = new Map<string, UsageValues>();
      const daily = new Map<string, UsageValues>();
      const lastSeen = new Map<string, string>();
      for (const event of raw) {
        const day = event.occurredAt.slice(0, 10);
        if (day <= last && (lastSeen.get(event.testerId) ?? '') < day) lastSeen.set(event.testerId, day);
        if (day < first || day > last || event.type === 'install') continue;
        for (const map of [sums, daily]) {
          const key = map === sums ? event.testerId : day;
          const values = map.get(key) ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
          if (event.type === 'session') values.sessionCount++;
          if (event.type === 'crash') values.crashCount++;
          if (event.type === 'feedback') values.feedbackCount++;
          map.set(key, values);
        }
      }
      return { sums, daily, lastSeen };
    };
    const windows = () =>
      Array.from({ length: 12 }, () => {
        const first = addDays('2023-01-01', random.int(0, 540));
        return [first, addDays(first, random.pick([0, 6, 29, 89, 364]))] as const;
      });
    const all = (first: string, last: string, sort: TesterSortKey = 'name', descending = false) =>
      store.listTesterUsage(APP, {
        firstDay: first,
        lastDay: last,
        sort,
        descending,
        offset: 0,
        limit: 100,
      });

    it('lists apps with their testers and installed testers', async () => {
      const listed = await store.listAppsWithTesterCounts();
      expect(listed.map((a) => [a.app.id, a.app.name, a.testers, a.installed])).toEqual([
        [APP, 'App a1', 12, 11],
        ['a2', 'App a2', 1, 1],
      ]);
    });

    it('sums, per tester, per day and in all, what the raw events count', async () => {
      for (const [first, last] of windows()) {
        const want = rawSums(first, last);
        const rows = await all(first, last);
        expect(rows).toHaveLength(testers.length);
        for (const row of rows) {
          expect(row.values, `${row.testerId} ${first}..${last}`).toEqual(
            want.sums.get(row.testerId) ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 },
          );
          expect(row.lastSeenDay).toBe(want.lastSeen.get(row.testerId) ?? null);
        }
        const totals = [...want.sums.values()].reduce(
          (sum, v) => ({
            crashCount: sum.crashCount + v.crashCount,
            sessionCount: sum.sessionCount + v.sessionCount,
            feedbackCount: sum.feedbackCount + v.feedbackCount,
          }),
          { crashCount: 0, sessionCount: 0, feedbackCount: 0 },
        );
        expect(await store.sumAppUsage(APP, first, last)).toEqual({
          activeTesters: want.sums.size,
          values: totals,
        });
        const days = await store.dailyUsage(APP, first, last);
        expect(Object.fromEntries(days.map((d) => [d.day, d.values]))).toEqual(
          Object.fromEntries(want.daily),
        );
      }
    });

    it("reads one tester's row and days", async () => {
      const [first, last] = ['2023-03-15', '2024-03-14'];
      const id = testers[0]?.id ?? '';
      const rows = await store.listTesterUsage(APP, {
        firstDay: first,
        lastDay: last,
        testerId: id,
        sort: 'sessions',
        descending: true,
        offset: 0,
        limit: 50,
      });
      expect(rows.map((r) => r.testerId)).toEqual([id]);
      const want = new Map<string, number>();
      for (const e of raw)
        if (
          e.testerId === id &&
          e.type === 'session' &&
          e.occurredAt.slice(0, 10) >= first &&
          e.occurredAt <= `${last}T24`
        )
          want.set(e.occurredAt.slice(0, 10), (want.get(e.occurredAt.slice(0, 10)) ?? 0) + 1);
      const days = await store.dailyUsage(APP, first, last, id);
      expect(
        days.filter((d) => d.values.sessionCount > 0).map((d) => [d.day, d.values.sessionCount]),
      ).toEqual([...want.entries()].sort());
      expect(await store.countAppTesters(APP, { testerId: id })).toBe(1);
    });

    it('sorts by every column both ways, ties by tester id, and pages through the same order', async () => {
      const [first, last] = ['2023-06-01', '2023-06-30'];
      const rows = await all(first, last);
      const key = (row: TesterUsageRow, sort: TesterSortKey): string | number => {
        const v = row.values;
        switch (sort) {
          case 'name':
            return `${row.firstName ?? ''} ${row.lastName ?? ''}`.replace(/[A-Z]/g, (c) => c.toLowerCase());
          case 'email':
            return row.email.toLowerCase();
          case 'state':
            return row.state;
          case 'sessions':
            return v.sessionCount;
          case 'crashes':
            return v.crashCount;
          case 'feedback':
            return v.feedbackCount;
          case 'crashRate':
            return v.sessionCount === 0 ? -1 : v.crashCount / v.sessionCount;
          case 'lastSeen':
            return row.lastSeenDay ?? '';
        }
      };
      for (const sort of TESTER_SORT_KEYS) {
        for (const descending of [false, true]) {
          const want = [...rows].sort((a, b) => {
            const [x, y] = [key(a, sort), key(b, sort)];
            if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
            return a.testerId < b.testerId ? -1 : 1;
          });
          const got = await all(first, last, sort, descending);
          expect(
            got.map((r) => r.testerId),
            `${sort} ${descending ? 'desc' : 'asc'}`,
          ).toEqual(want.map((r) => r.testerId));
          const paged: string[] = [];
          for (let offset = 0; offset < rows.length; offset += 5) {
            const page = await store.listTesterUsage(APP, {
              firstDay: first,
              lastDay: last,
              sort,
              descending,
              offset,
              limit: 5,
            });
            paged.push(...page.map((r) => r.testerId));
          }
          expect(paged).toEqual(want.map((r) => r.testerId));
        }
      }
    });

    it('filters by name or email without regard to ASCII case, and matches % _ \\ as themselves', async () => {
      const search = async (text: string) => {
        const rows = await store.listTesterUsage(APP, {
          firstDay: '2023-01-01',
          lastDay: '2023-12-31',
          search: text,
          sort: 'email',
          descending: false,
          offset: 0,
          limit: 100,
        });
        expect(await store.countAppTesters(APP, { search: text })).toBe(rows.length);
        return rows.map((r) => r.email);
      };
      expect(await search('ADA')).toEqual(['ada@example.com', 'Byron@Example.com']);
      expect(await search('ada by')).toEqual(['Byron@Example.com']);
      expect(await search('EXAMPLE.COM')).toHaveLength(testers.length);
      expect(await search('ZOë Ün')).toEqual(['zoe@example.com']);
      expect(await search('zoë ün')).toEqual([]);
      expect(await search('%')).toEqual(['percent@example.com']);
      expect(await search('_')).toEqual(['under@example.com']);
      expect(await search('\\')).toEqual(['back@example.com']);
      expect(await search(' ng ')).toEqual(['bob@example.com', 'carol@example.com']);
      expect(await search('  ')).toHaveLength(testers.length);
      expect(await search('nobody')).toEqual([]);
    });
  });
}
