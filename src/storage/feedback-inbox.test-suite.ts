import { beforeEach, describe, expect, it } from 'vitest';
import { addPreReleaseVersion } from '../../test/support/testflight-rows.js';
import {
  type FeedbackInboxItem,
  type FeedbackInboxQuery,
  type FeedbackKind,
  feedbackPosition,
} from '../domain/records/feedback-inbox.js';
import { FEEDBACK_DEFAULTS } from '../domain/records/feedback.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import { CRASH_LOG_HEAD } from './queries/feedback-inbox.js';
import type { Store } from './store.js';

/**
 * The dashboard's feedback inbox read (dashboard-store.ts listFeedbackInbox): order, filters and keyset paging
 * against a sort of the submissions written, the names joined in, a crash log's head counted in characters the
 * same way on every backend. Every backend runs this through describeDashboardStore.
 */
export function describeFeedbackInbox(context: { store(): Store }): void {
  describe('feedback inbox', () => {
    let store: Store;
    /** What was written for app a1, as [kind, id, createdDate, buildId, testerId]. */
    const written: Array<[FeedbackKind, string, string, string | null, string | null]> = [];

    beforeEach(async () => {
      store = context.store();
      written.length = 0;
      for (const id of ['a1', 'a2'])
        await store.createApp({
          id,
          name: `App ${id}`,
          bundleId: `com.example.${id}`,
          sku: id,
          primaryLocale: 'en-US',
          createdAt: '2023-01-01T00:00:00.000Z',
        });
      await store.createTesters([
        {
          id: 't1',
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: 'L',
          inviteType: 'EMAIL',
          createdAt: '2023-01-01T00:00:00.000Z',
        },
        {
          id: 't2',
          email: 'bo@example.com',
          firstName: null,
          lastName: null,
          inviteType: 'EMAIL',
          createdAt: '2023-01-01T00:00:00.000Z',
        },
        {
          id: 't3',
          email: 'cy@example.com',
          firstName: 'Cy',
          lastName: null,
          inviteType: 'EMAIL',
          createdAt: '2023-01-01T00:00:00.000Z',
        },
      ]);
      await store.addTestersToApps([
        { appId: 'a1', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        { appId: 'a1', testerId: 't2', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        { appId: 'a2', testerId: 't3', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
      ]);
      await store.createBuild({
        id: 'b410',
        appId: 'a1',
        version: '410',
        uploadedAt: '2023-05-01T00:00:00.000Z',
      });
      await store.createBuild({
        id: 'b411',
        appId: 'a1',
        version: '411',
        uploadedAt: '2023-06-01T00:00:00.000Z',
      });
      await store.createBuild({
        id: 'x410',
        appId: 'a2',
        version: '410',
        uploadedAt: '2023-07-01T00:00:00.000Z',
      });
      await addPreReleaseVersion(store, { id: 'v14', appId: 'a1', version: '1.4', platform: 'IOS' }, [
        'b410',
      ]);

      // 40 submissions of a1 over few distinct instants (so dates tie often), ids that tie across kinds.
      const random = new SeededRandom(7);
      for (let i = 0; i < 40; i++) {
        const kind: FeedbackKind = random.chance(0.5) ? 'screenshot' : 'crash';
        const id = `f${random.int(0, 12)}`;
        const createdDate = `2023-10-0${random.int(1, 3)}T10:00:00.000Z`;
        if (written.some(([k, other]) => k === kind && other === id)) continue;
        const buildId = random.pick(['b410', 'b411', null]);
        const testerId = random.pick(['t1', 't2', null]);
        written.push([kind, id, createdDate, buildId, testerId]);
        const submission = { ...FEEDBACK_DEFAULTS, id, appId: 'a1', createdDate, buildId, testerId };
        if (kind === 'screenshot') await store.createScreenshotFeedback({ ...submission, screenshots: [] });
        else await store.createCrashFeedback({ ...submission, crashLogId: null });
      }
      // Another app's, which no read of a1 lists.
      const other = { ...FEEDBACK_DEFAULTS, id: 'g1', appId: 'a2', createdDate: '2023-10-02T10:00:00.000Z' };
      await store.createScreenshotFeedback({ ...other, buildId: 'x410', testerId: 't3', screenshots: [] });
      await store.createCrashFeedback({ ...other, crashLogId: null });
    });

    /** The written submissions the query's filters pass, in the inbox's order, as `kind id`. */
    const expected = (query: Omit<FeedbackInboxQuery, 'limit' | 'after'>) =>
      written
        .filter(
          ([kind, , , buildId, testerId]) =>
            (query.kind === undefined || kind === query.kind) &&
            (query.buildId === undefined || buildId === query.buildId) &&
            (query.testerId === undefined || testerId === query.testerId),
        )
        .sort(([kindA, idA, dateA], [kindB, idB, dateB]) =>
          dateA !== dateB
            ? dateA < dateB
              ? 1
              : -1
            : idA !== idB
              ? idA < idB
                ? 1
                : -1
              : kindA < kindB
                ? 1
                : -1,
        )
        .map(([kind, id]) => `${kind} ${id}`);

    /** Every page of the query, `limit` at a time, each read after the last item of the one before. */
    const walk = async (query: Omit<FeedbackInboxQuery, 'limit' | 'after'>, limit: number) => {
      const seen: string[] = [];
      let after: FeedbackInboxQuery['after'];
      for (let pages = 0; pages < 100; pages++) {
        const page: FeedbackInboxItem[] = await store.listFeedbackInbox('a1', { ...query, limit, after });
        expect(page.length).toBeLessThanOrEqual(limit);
        seen.push(...page.map((item) => `${item.kind} ${item.submission.id}`));
        const last = page.at(-1);
        if (page.length < limit || last === undefined) return seen;
        after = feedbackPosition(last);
      }
      throw new Error('more than 100 pages');
    };

    it('lists both kinds newest first (then by id and kind, descending), one page at a time, each once', async () => {
      expect(written.length).toBeGreaterThan(15);
      // Some ids are both a screenshot and a crash submission on the same date: the kind breaks the tie.
      expect(
        written.some(([kind, id, date]) => written.some(([k, i, d]) => k !== kind && i === id && d === date)),
      ).toBe(true);
      const all = expected({});
      expect(await walk({}, 100)).toEqual(all);
      for (const limit of [1, 2, 3, 7]) expect(await walk({}, limit), `limit ${limit}`).toEqual(all);
    });

    it('filters by kind, build and tester, alone and together, in the query', async () => {
      const filters: Array<Omit<FeedbackInboxQuery, 'limit' | 'after'>> = [
        { kind: 'screenshot' },
        { kind: 'crash' },
        { buildId: 'b410' },
        { testerId: 't2' },
        { kind: 'crash', buildId: 'b411', testerId: 't1' },
        { buildId: 'x410' },
        { testerId: 't3' },
      ];
      for (const filter of filters) {
        const want = expected(filter);
        expect(await walk(filter, 100), JSON.stringify(filter)).toEqual(want);
        expect(await walk(filter, 2), JSON.stringify(filter)).toEqual(want);
      }
      expect(expected({ buildId: 'b410' }).length).toBeGreaterThan(0);
      expect(await walk({ buildId: 'x410' }, 10)).toEqual([]);
    });

    it("names each submission's build and tester, and reads only the head of a crash's log", async () => {
      const base = { ...FEEDBACK_DEFAULTS, appId: 'a2', comment: 'it <broke>' };
      // Characters outside the BMP: every backend counts them as one character each.
      const long = `${'😀'.repeat(CRASH_LOG_HEAD)}tail`;
      await store.createCrashFeedback(
        {
          ...base,
          id: 'long',
          createdDate: '2024-01-03T00:00:00.000Z',
          buildId: 'x410',
          testerId: 't3',
          crashLogId: 'log-long',
        },
        { id: 'log-long', appId: 'a2', logText: long },
      );
      await store.createCrashFeedback(
        { ...base, id: 'short', createdDate: '2024-01-02T00:00:00.000Z', crashLogId: 'log-short' },
        { id: 'log-short', appId: 'a2', logText: 'Thread 0 Crashed\n0 libsystem' },
      );
      await store.createScreenshotFeedback({
        ...base,
        id: 'shot',
        createdDate: '2024-01-01T00:00:00.000Z',
        testerId: 't3',
        screenshots: [{ url: 'https://example.com/a.png', width: 10, height: 20 }],
      });
      const [longItem, shortItem, shotItem, ...rest] = await store.listFeedbackInbox('a2', { limit: 10 });
      expect(rest.map((item) => item.submission.id)).toEqual(['g1', 'g1']);
      expect(longItem).toMatchObject({
        kind: 'crash',
        submission: { id: 'long', comment: 'it <broke>', crashLogId: 'log-long' },
        build: {
          id: 'x410',
          number: '410',
          version: null,
          platform: null,
          uploadedAt: '2023-07-01T00:00:00.000Z',
        },
        tester: { id: 't3', firstName: 'Cy', lastName: null, email: 'cy@example.com' },
        crashLog: { id: 'log-long', text: '😀'.repeat(CRASH_LOG_HEAD), truncated: true },
      });
      expect(shortItem).toMatchObject({
        build: null,
        tester: null,
        crashLog: { id: 'log-short', text: 'Thread 0 Crashed\n0 libsystem', truncated: false },
      });
      expect(shotItem).toMatchObject({
        kind: 'screenshot',
        submission: {
          id: 'shot',
          screenshots: [{ url: 'https://example.com/a.png', width: 10, height: 20 }],
        },
      });
      const [withVersion] = await store.listFeedbackInbox('a1', { buildId: 'b410', limit: 1 });
      expect(withVersion?.build).toEqual({
        id: 'b410',
        number: '410',
        version: '1.4',
        platform: 'IOS',
        uploadedAt: '2023-05-01T00:00:00.000Z',
      });
    });

    it("offers the app's builds newest first, and finds one only in its app", async () => {
      expect((await store.listFeedbackBuildChoices('a1', 10)).map((b) => [b.id, b.version])).toEqual([
        ['b411', null],
        ['b410', '1.4'],
      ]);
      expect((await store.listFeedbackBuildChoices('a1', 1)).map((b) => b.id)).toEqual(['b411']);
      expect(await store.findFeedbackBuild('a1', 'b410')).toMatchObject({ number: '410', version: '1.4' });
      expect(await store.findFeedbackBuild('a1', 'x410')).toBeUndefined();
      expect(await store.findFeedbackBuild('a2', 'x410')).toMatchObject({ number: '410' });
    });
  });
}
