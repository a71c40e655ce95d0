import { afterAll, beforeAll, expect } from 'vitest';
import { seedTestflightFixture } from '../../test/support/testflight-fixture.js';
import { openStore, type StoreLocation } from './open-store.js';
import type {
  ResourceCondition,
  ResourceKind,
  ResourceQuery,
  ResourceReads,
  ResourceSortKey,
} from './resource-reads.js';
import type { Store } from './store.js';

/**
 * What the resource reads suites share (resource-reads.test-suite.ts, resource-conditions.test-suite.ts): one
 * store per backend, seeded once with test/support/testflight-fixture.ts, since no test writes to it. A
 * backend's harness says where that store is and removes it afterwards.
 */
export interface ResourceReadsHarness {
  readonly location: StoreLocation;
  cleanup(): Promise<void>;
}

export interface ResourceReadsFixture {
  /** The reads, each in its own snapshot; usable from the tests on, once the hooks have opened the store. */
  readonly store: ResourceReads;
  /** The ids a query lists (all of them), after checking countResources agrees. */
  ids(q: ResourceQuery, window?: { offset: number; limit: number }): Promise<string[]>;
}

/**
 * Opens and seeds the store before the tests of the calling describe, and closes it after them: call it in
 * that describe's body, so that its hooks are that describe's.
 */
export function resourceReadsFixture(
  createHarness: () => Promise<ResourceReadsHarness>,
): ResourceReadsFixture {
  let harness: ResourceReadsHarness;
  let opened: Store;
  // The reads as services make them: each in a snapshot of the store.
  const store: ResourceReads = {
    countResources: (q) => opened.snapshot((reader) => reader.countResources(q)),
    listResources: (q, window) => opened.snapshot((reader) => reader.listResources(q, window)),
    findResources: (kind, ids) => opened.snapshot((reader) => reader.findResources(kind, ids)),
    linkages: (kind, relationship, ids, limit) =>
      opened.snapshot((reader) => reader.linkages(kind, relationship, ids, limit)),
  };
  beforeAll(async () => {
    harness = await createHarness();
    opened = await openStore(harness.location);
    await seedTestflightFixture(harness.location);
  });
  afterAll(async () => {
    await opened?.close();
    await harness?.cleanup();
  });

  const ids = async (q: ResourceQuery, window = { offset: 0, limit: 100 }): Promise<string[]> => {
    const rows = await store.listResources(q, window);
    if (window.offset === 0 && window.limit === 100) expect(await store.countResources(q)).toBe(rows.length);
    return rows.map((row) => row.id);
  };
  return { store, ids };
}

export const query = (
  kind: ResourceKind,
  conditions: ResourceCondition[] = [],
  sort: ResourceSortKey[] = [],
  stateInApps?: string[],
): ResourceQuery => ({ kind, conditions, sort, ...(stateInApps !== undefined && { stateInApps }) });
export const asc = (key: string): ResourceSortKey => ({ key, descending: false });
export const desc = (key: string): ResourceSortKey => ({ key, descending: true });
