import { describe, expect, it } from 'vitest';
import { describeResourceConditions } from './resource-conditions.test-suite.js';
import {
  asc,
  desc,
  query,
  type ResourceReadsHarness,
  resourceReadsFixture,
} from './resource-reads-fixture.test-suite.js';

/**
 * The generic resource reads (resource-reads.ts, queries/resource-reads.ts) on one backend, over the fixture
 * of test/support/testflight-fixture.ts. Every expectation is an exact list in an exact order, and both
 * backends run this same suite, so SQLite and PostgreSQL give identical answers (the store's promise: same
 * answers, same order). Its conditions are in resource-conditions.test-suite.ts; the store and helpers they
 * share are in resource-reads-fixture.test-suite.ts.
 */
export function describeResourceReads(
  backend: string,
  createHarness: () => Promise<ResourceReadsHarness>,
): void {
  describe(`Resource reads on ${backend}`, () => {
    const { store, ids } = resourceReadsFixture(createHarness);

    describe('findResources', () => {
      it('answers the stored ones in id order, each once, and leaves out unknown ids', async () => {
        const found = await store.findResources('builds', ['b3', 'nope', 'b1', 'b3']);
        expect(found.map((row) => row.id)).toEqual(['b1', 'b3']);
        expect(await store.findResources('builds', [])).toEqual([]);
      });

      it('decodes every codec: text, integer, boolean, JSON, and absent as null', async () => {
        const [b1] = await store.findResources('builds', ['b1']);
        expect(b1?.attributes).toMatchObject({
          version: '1',
          expired: false,
          usesNonExemptEncryption: false,
          iconAssetToken: { templateUrl: 'https://example.com/{w}x{h}.png', width: 1024, height: 1024 },
          lsMinimumSystemVersion: null,
          processingState: 'VALID',
        });
        const [b4] = await store.findResources('builds', ['b4']);
        expect(b4?.attributes.usesNonExemptEncryption).toBeNull();
        const [g1] = await store.findResources('betaGroups', ['g1']);
        expect(g1?.attributes).toMatchObject({
          publicLinkLimit: 10,
          publicLinkEnabled: true,
          feedbackEnabled: true,
        });
        const [cs1] = await store.findResources('betaFeedbackCrashSubmissions', ['cs1']);
        expect(cs1?.attributes).toMatchObject({ diskBytesTotal: 64_000_000, batteryPercentage: 80 });
        const [t1] = await store.findResources('betaTesters', ['t1']);
        expect(t1?.attributes).toMatchObject({
          email: 'Ada@Example.com',
          state: 'INSTALLED',
          appDevices: [{ model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0', appBuildVersion: '1' }],
        });
      });
    });

    describeResourceConditions({ store, ids });

    describe('sort', () => {
      it('ascending and descending, ties broken by id ascending', async () => {
        expect(await ids(query('builds', [], [asc('uploadedDate')]))).toEqual(['b1', 'b2', 'b3', 'b4']);
        expect(await ids(query('builds', [], [desc('uploadedDate')]))).toEqual(['b4', 'b2', 'b3', 'b1']);
        expect(await ids(query('apps', [], [asc('name')]))).toEqual(['a1', 'a3', 'a2']);
        expect(await ids(query('apps', [], [desc('name')]))).toEqual(['a2', 'a1', 'a3']);
      });

      it('absent values last in both directions', async () => {
        expect(await ids(query('builds', [], [asc('usesNonExemptEncryption')]))).toEqual([
          'b1',
          'b2',
          'b3',
          'b4',
        ]);
        expect(await ids(query('betaTesters', [], [asc('firstName')]))).toEqual(['t1', 't4', 't2', 't3']);
        expect(await ids(query('betaTesters', [], [desc('firstName')]))).toEqual(['t2', 't4', 't1', 't3']);
      });

      it('by a to-one relationship (its first attribute), absent last', async () => {
        expect(await ids(query('builds', [], [asc('preReleaseVersion')]))).toEqual(['b1', 'b2', 'b3', 'b4']);
        expect(await ids(query('builds', [], [desc('preReleaseVersion')]))).toEqual(['b2', 'b3', 'b1', 'b4']);
      });

      it('by several keys, and by a tester state in its order of progress', async () => {
        expect(await ids(query('builds', [], [asc('version'), desc('uploadedDate')]))).toEqual([
          'b4',
          'b1',
          'b2',
          'b3',
        ]);
        expect(await ids(query('betaTesters', [], [asc('state')]))).toEqual(['t4', 't2', 't3', 't1']);
        expect(await ids(query('betaTesters', [], [desc('state')]))).toEqual(['t1', 't3', 't2', 't4']);
      });
    });

    describe('windows', () => {
      it('read from the offset on, in the query order', async () => {
        const sorted = query('builds', [], [desc('uploadedDate')]);
        expect(await ids(sorted, { offset: 1, limit: 2 })).toEqual(['b2', 'b3']);
        expect(await ids(sorted, { offset: 3, limit: 2 })).toEqual(['b1']);
        expect(await ids(sorted, { offset: 4, limit: 2 })).toEqual([]);
        expect(await store.countResources(sorted)).toBe(4);
      });
    });

    describe('linkages', () => {
      it('every linked id in id order with the total, for each resource asked for', async () => {
        const found = await store.linkages('apps', 'builds', ['a3', 'a1', 'a2', 'a1']);
        expect(Object.fromEntries(found)).toEqual({
          a1: { ids: ['b1', 'b2', 'b3'], total: 3 },
          a2: { ids: ['b4'], total: 1 },
          a3: { ids: [], total: 0 },
        });
        expect(await store.linkages('apps', 'builds', [])).toEqual(new Map());
      });

      it('at most the limit per resource, the total still whole', async () => {
        const found = await store.linkages('betaTesters', 'builds', ['t1', 't3', 't4'], 1);
        expect(Object.fromEntries(found)).toEqual({
          t1: { ids: ['b2'], total: 1 },
          t3: { ids: ['b1'], total: 2 },
          t4: { ids: [], total: 0 },
        });
        const groups = await store.linkages('betaGroups', 'betaTesters', ['g1', 'g2', 'g3'], 1);
        expect(Object.fromEntries(groups)).toEqual({
          g1: { ids: ['t1'], total: 2 },
          g2: { ids: ['t1'], total: 1 },
          g3: { ids: [], total: 0 },
        });
      });

      it('to-one links: a held id, an absent one, one held by the related resource', async () => {
        expect(Object.fromEntries(await store.linkages('builds', 'preReleaseVersion', ['b1', 'b4']))).toEqual(
          {
            b1: { ids: ['p1'], total: 1 },
            b4: { ids: [], total: 0 },
          },
        );
        expect(Object.fromEntries(await store.linkages('builds', 'buildBetaDetail', ['b2', 'b3']))).toEqual({
          b2: { ids: ['b2'], total: 1 },
          b3: { ids: [], total: 0 },
        });
        expect(
          Object.fromEntries(
            await store.linkages('betaFeedbackCrashSubmissions', 'crashLog', ['cs1', 'cs2']),
          ),
        ).toEqual({ cs1: { ids: ['cl1'], total: 1 }, cs2: { ids: [], total: 0 } });
      });
    });
  });
}
