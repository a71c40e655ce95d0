import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import type { Store } from '../storage/store.js';
import type { UsagePageWindow } from '../storage/usage-store.js';
import {
  type BetaTesterUsagesPageQuery,
  type BetaTesterUsagesReport,
  betaTesterUsagesService,
} from './beta-tester-usages.js';
import { InvalidCursor } from './cursor-paging.js';

/**
 * The cursors' last rows kept by services/beta-tester-usages.ts: a node that served a page reads the next one
 * from its last tester on (UsageReads.readUsagePage's `fromId`), and answers what a node that did not (reading
 * from the token's position) answers, next cursor included; a token whose tester is gone is refused alike. On a
 * real store (SQLite, or PostgreSQL in the postgres project); the store is wrapped only to note each window.
 */

const TESTERS = Array.from({ length: 23 }, (_, i) => `t${String(i).padStart(2, '0')}`);
let harness: Harness;
beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(harness.store, '100', [
    ...TESTERS.map((id, i) => ({ id, sessions: 1 + (i % 4), crashes: i % 3 })),
    { id: 'x00', installed: false },
  ]);
  await harness.services.betaGroups.create({
    appId: '100',
    name: 'Half',
    id: 'g1',
    testerIds: TESTERS.filter((_, i) => i % 2 === 0),
  });
});
afterEach(async () => {
  await harness.close();
});

/** The store, with every window readUsagePage is asked for noted in `windows`. */
function noting(store: Store, windows: UsagePageWindow[]): Store {
  return new Proxy(store, {
    get(target, name) {
      if (name !== 'statement') return Reflect.get(target, name, target);
      const statement: Store['statement'] = (read) =>
        target.statement((reader) =>
          read(
            new Proxy(reader, {
              get(inner, method) {
                if (method !== 'readUsagePage') return Reflect.get(inner, method, inner);
                const readUsagePage: typeof inner.readUsagePage = (appId, filter, window, ...rest) => {
                  windows.push(window);
                  return inner.readUsagePage(appId, filter, window, ...rest);
                };
                return readUsagePage;
              },
            }),
          ),
        );
      return statement;
    },
  });
}

describe('a page after a cursor this node issued', () => {
  const cursorKey = randomBytes(32);
  const query = (after?: BetaTesterUsagesReport['next'], groupId?: string): BetaTesterUsagesPageQuery => ({
    period: 'P30D',
    limit: 4,
    scope: `/v1/apps/100/metrics/betaTesterUsages?limit=4${groupId === undefined ? '' : `&group=${groupId}`}`,
    ...(after !== undefined && { after }),
    ...(groupId !== undefined && { groupId }),
  });
  /** A node that never served these pages: each read from the token's position. */
  const elsewhere = () => betaTesterUsagesService(harness.store, cursorKey, harness.reportClock);

  it.each([
    { groupId: undefined, pages: 6 },
    { groupId: 'g1', pages: 3 },
  ])('reads from its last tester on, and answers as another node ($groupId)', async ({ groupId, pages }) => {
    const windows: UsagePageWindow[] = [];
    const node = betaTesterUsagesService(noting(harness.store, windows), cursorKey, harness.reportClock);
    let next: BetaTesterUsagesReport['next'];
    const seen: string[] = [];
    const lastOfPage: string[] = [];
    for (let page = 0; page < pages; page++) {
      const here = await node.readBetaTesterUsages('100', query(next, groupId));
      const there = await elsewhere().readBetaTesterUsages('100', query(next, groupId));
      expect(here).toEqual(there);
      seen.push(...here.rows.map((row) => row.testerId));
      lastOfPage.push(here.rows.at(-1)?.testerId ?? '');
      next = here.next;
    }
    expect(next).toBeUndefined();
    expect(seen).toEqual(groupId === undefined ? TESTERS : TESTERS.filter((_, i) => i % 2 === 0));
    // The first page from offset 0; every later one from the last tester of the page before.
    expect(windows.map((window) => window.fromId)).toEqual([undefined, ...lastOfPage.slice(0, -1)]);
  });

  it('refuses a token whose last tester has gone, as another node does', async () => {
    const node = betaTesterUsagesService(harness.store, cursorKey, harness.reportClock);
    const first = await node.readBetaTesterUsages('100', query());
    const second = await node.readBetaTesterUsages('100', query(first.next));
    expect(second.rows.map((row) => row.testerId)).toEqual(['t04', 't05', 't06', 't07']);
    await harness.services.betaTesters.removeFromApps('t07', ['100']);
    await expect(node.readBetaTesterUsages('100', query(second.next))).rejects.toBeInstanceOf(InvalidCursor);
    await expect(elsewhere().readBetaTesterUsages('100', query(second.next))).rejects.toBeInstanceOf(
      InvalidCursor,
    );
  });

  it('goes on after the last tester when testers before it have gone', async () => {
    const node = betaTesterUsagesService(harness.store, cursorKey, harness.reportClock);
    const first = await node.readBetaTesterUsages('100', query());
    await harness.services.betaTesters.removeFromApps('t01', ['100']);
    const here = await node.readBetaTesterUsages('100', query(first.next));
    const there = await elsewhere().readBetaTesterUsages('100', query(first.next));
    expect(here.rows.map((row) => row.testerId)).toEqual(['t04', 't05', 't06', 't07']);
    expect({ ...here, next: undefined }).toEqual({ ...there, next: undefined });
    expect(here.total).toBe(TESTERS.length - 1);
    // The one difference: this node counts the rows served by the token's position, the other where it found
    // the last tester. Either cursor is a position to start looking from; both lead to the same page.
    expect(here.next?.position).toBe(8);
    expect(there.next?.position).toBe(7);
    const afterHere = await elsewhere().readBetaTesterUsages('100', query(here.next));
    const afterThere = await elsewhere().readBetaTesterUsages('100', query(there.next));
    expect(afterHere.rows.map((row) => row.testerId)).toEqual(['t08', 't09', 't10', 't11']);
    expect(afterThere.rows).toEqual(afterHere.rows);
  });
});
