import type { KeptReads } from '../storage/kept-reads.js';
import { type Clock, clockMillis } from '../domain/clock.js';
import { type CalendarDay, utcDay, utcDayAt } from '../domain/calendar-day.js';
import { type PeriodCode, type UsageWindow, usageWindow } from '../domain/period.js';
import { type UsageValues, zeroUsage } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { ReadCache } from '../storage/read-cache.js';
import type { KnownTotal, UsageReads } from '../storage/usage-store.js';
import type { CursorToken } from './cursor-token.js';
import { firstRead, type PageRequest, pageOfFirstRead, readPage } from './cursor-paging.js';

export interface BetaTesterUsageRow {
  readonly testerId: string;
  readonly values: UsageValues;
}

/**
 * Which page of an app's per-tester usage, over which period, and which testers: every installed tester of the
 * app (GET /v1/apps/{id}/metrics/betaTesterUsages), or those of them in one of its beta groups
 * (GET /v1/betaGroups/{id}/metrics/betaTesterUsages), either narrowed to one tester.
 */
export interface BetaTesterUsagesPageQuery extends PageRequest {
  readonly period: PeriodCode;
  /** Only this tester. */
  readonly testerId?: string;
  /** Only members of this beta group of the app. */
  readonly groupId?: string;
}

export interface BetaTesterUsagesReport {
  readonly window: UsageWindow;
  readonly rows: readonly BetaTesterUsageRow[];
  /** The number of groups (testers) in all pages. */
  readonly total: number;
  readonly limit: number;
  /** Where this page ended, to read the next one; absent on the last page. */
  readonly next?: CursorToken;
  /** What the report was read at: see BetaTesterUsagesService.freshness. */
  readonly freshness: string;
}

export interface BetaTesterUsagesService {
  /**
   * One page of an app's per-tester usage (docs/apple-behavior.md, §3): the testers who have installed the app,
   * ordered by id, with zeros where nothing happened in the window. The caller has checked the app exists.
   */
  readBetaTesterUsages(appId: string, query: BetaTesterUsagesPageQuery): Promise<BetaTesterUsagesReport>;
  /**
   * What every report of the app depends on besides its query: the app's data version and the report date.
   * Two reads of one query at the same freshness give the same report, so an answer kept with its freshness
   * is current while this says the same. Undefined when there is no such app.
   */
  freshness(appId: string): Promise<string | undefined>;
  /**
   * The freshness of a beta group's reports: its app's (any write to the group's members raises the app's
   * data version). Undefined when there is no such group.
   */
  groupFreshness(
    groupId: string,
  ): Promise<{ readonly appId: string; readonly freshness: string } | undefined>;
  /** `freshness` from what the store keeps alone (storage/kept-reads.ts); undefined unless all of it is kept. */
  keptFreshness(appId: string, kept: KeptReads): string | undefined;
  /** `groupFreshness`'s freshness, as `keptFreshness`. */
  keptGroupFreshness(groupId: string, kept: KeptReads): string | undefined;
}

/**
 * What a report of one app's data was read at: the app's data version and the report date. Every report of the
 * family (services/*-usages.ts) is kept under this, so a write to the app on any node retires it.
 */
export function reportFreshness(version: string, reportTime: Date): string {
  return freshnessOn(version, utcDay(reportTime));
}

/** `reportFreshness` at the report clock's now of a version just read; undefined for a row not there. */
export function freshnessNow(version: string | undefined, reportClock: Clock): string | undefined {
  return version === undefined ? undefined : freshnessOn(version, utcDayAt(clockMillis(reportClock)));
}

/**
 * The last freshness made, given again for the same version and day: each replayed answer asks for its
 * freshness, nearly always the one of the request before, and a text made anew was then compared character by
 * character with the kept one's.
 */
let lastFreshness = { version: '', day: '', text: '' };

function freshnessOn(version: string, day: CalendarDay): string {
  if (version !== lastFreshness.version || day !== lastFreshness.day)
    lastFreshness = { version, day, text: `${version}@${day}` };
  return lastFreshness.text;
}

/** Listings whose total is kept (knownTotals): a few dozen bytes each. */
const KNOWN_TOTALS = 1_000;
/** Cursors whose last row is kept (cursorRows): a key of the scope's length and an id each. */
const CURSOR_ROWS = 4_096;

export function betaTesterUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  cursorKey: Uint8Array,
  reportClock: Clock,
): BetaTesterUsagesService {
  /**
   * Each listing's total at the app's listing version it was counted at, so the next pages (or the next period,
   * or the same page after a batch of usage) at that version are read without counting again: the statement
   * compares the version itself (UsageReads.readUsagePage), so no change feed need tell this one of anything.
   */
  const knownTotals = new ReadCache<KnownTotal>(KNOWN_TOTALS);
  /**
   * The last tester of each page this node served with a `next` cursor, by that cursor: the next page is then
   * read from that tester on (UsageReads.readUsagePage's `fromId`) instead of from an offset, which reads every
   * tester before it. The token's tag still decides: a tester gone since is not found there, and the page is
   * read as without this (pageOfFirstRead, then readPage). Another node's cursor is read from its offset.
   */
  const cursorRows = new ReadCache<string>(CURSOR_ROWS);
  const freshnessAt = (version: string | undefined) => freshnessNow(version, reportClock);
  return {
    async freshness(appId) {
      return freshnessAt(await store.appDataVersion(appId));
    },

    keptFreshness: (appId, kept) => freshnessAt(kept.appDataVersion(appId)),

    keptGroupFreshness: (groupId, kept) => freshnessAt(kept.groupDataVersion(groupId)?.version),

    async groupFreshness(groupId) {
      const group = await store.groupDataVersion(groupId);
      if (group === undefined) return undefined;
      return { appId: group.appId, freshness: reportFreshness(group.version, reportClock.now()) };
    },

    async readBetaTesterUsages(appId, query) {
      const filter = {
        ...(query.testerId !== undefined && { testerId: query.testerId }),
        ...(query.groupId !== undefined && { groupId: query.groupId }),
      };
      const reportTime = reportClock.now();
      const window = usageWindow(reportTime, query.period);
      // Nearly every page: its rows, total, sums and version in one statement (UsageReads.readUsagePage), the
      // page then cut from them as readPage cuts it. Otherwise (no rows there, a token whose row moved) the
      // reads readPage makes, in a snapshot.
      const read = firstRead(query);
      const listing = `${appId}\u0000${query.groupId ?? ''}\u0000${query.testerId ?? ''}`;
      const known = knownTotals.peek(listing);
      const fromId = query.after === undefined ? undefined : cursorRows.peek(cursorKeyOf(query, query.after));
      const once =
        read === undefined
          ? undefined
          : await store.statement((reader) =>
              reader.readUsagePage(
                appId,
                filter,
                fromId === undefined ? read : { ...read, fromId },
                window.firstDay,
                window.lastDay,
                known,
              ),
            );
      if (once?.version !== undefined) {
        knownTotals.put(listing, { listingVersion: once.listingVersion, total: once.total });
      }
      const page =
        once === undefined
          ? undefined
          : pageOfFirstRead([...once.rows], once.total, (row) => row.testerId, cursorKey, query);
      if (once !== undefined && page !== undefined) {
        const last = page.rows.at(-1);
        if (page.next !== undefined && last !== undefined) {
          cursorRows.put(cursorKeyOf(query, page.next), last.testerId);
        }
        return {
          window,
          rows: page.rows.map((row) => ({ testerId: row.testerId, values: row.values ?? zeroUsage() })),
          total: page.total,
          limit: query.limit,
          ...(page.next !== undefined && { next: page.next }),
          freshness: reportFreshness(once.version ?? '0', reportTime),
        };
      }
      return store.snapshot(async (reader) => {
        const version = (await reader.appDataVersion(appId)) ?? '0';
        const page = await readPage(
          {
            count: () => reader.countInstalledTesters(appId, filter),
            list: (window) => reader.listInstalledTesterIds(appId, filter, window),
            idOf: (testerId) => testerId,
          },
          cursorKey,
          query,
        );
        const sums = await reader.sumUsageByTester(appId, page.rows, window.firstDay, window.lastDay);
        return {
          window,
          rows: page.rows.map((testerId) => ({ testerId, values: sums.get(testerId) ?? zeroUsage() })),
          total: page.total,
          limit: query.limit,
          ...(page.next !== undefined && { next: page.next }),
          freshness: reportFreshness(version, reportTime),
        };
      });
    },
  };
}

/** A cursor's key among those kept: its listing (the scope: path and query), position and tag. */
function cursorKeyOf(query: PageRequest, token: CursorToken): string {
  return `${query.scope}\u0000${token.position}\u0000${token.tag.toString('hex')}`;
}
