import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * The generic resource reads (resource-reads.ts, queries/resource-reads.ts) on one backend, over the fixture of
 * test/support/testflight-fixture.ts. Every expectation is an exact list in an exact order, and both backends
 * run this same suite, so SQLite and PostgreSQL give identical answers (the store's promise: same answers,
 * same order).
 */
export interface ResourceReadsHarness {
  readonly location: StoreLocation;
  cleanup(): Promise<void>;
}

export function describeResourceReads(
  backend: string,
  createHarness: () => Promise<ResourceReadsHarness>,
): void {
  describe(`Resource reads on ${backend}`, () => {
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

    const query = (
      kind: ResourceKind,
      conditions: ResourceCondition[] = [],
      sort: ResourceSortKey[] = [],
      stateInApps?: string[],
    ): ResourceQuery => ({ kind, conditions, sort, ...(stateInApps !== undefined && { stateInApps }) });
    /** The ids a query lists (all of them), after checking countResources agrees. */
    const ids = async (q: ResourceQuery, window = { offset: 0, limit: 100 }): Promise<string[]> => {
      const rows = await store.listResources(q, window);
      if (window.offset === 0 && window.limit === 100)
        expect(await store.countResources(q)).toBe(rows.length);
      return rows.map((row) => row.id);
    };
    const asc = (key: string): ResourceSortKey => ({ key, descending: false });
    const desc = (key: string): ResourceSortKey => ({ key, descending: true });

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

    describe('conditions', () => {
      it('none keeps nothing; no condition keeps everything, in id order', async () => {
        expect(await ids(query('builds', [{ kind: 'none' }]))).toEqual([]);
        expect(await ids(query('builds'))).toEqual(['b1', 'b2', 'b3', 'b4']);
        expect(await ids(query('betaCrashLogs'))).toEqual(['cl1']);
      });

      it('ids, on the resource itself and at the end of a path (dotted)', async () => {
        expect(await ids(query('builds', [{ kind: 'ids', path: [], ids: ['b3', 'b1', 'zz'] }]))).toEqual([
          'b1',
          'b3',
        ]);
        expect(await ids(query('builds', [{ kind: 'ids', path: ['app'], ids: ['a2'] }]))).toEqual(['b4']);
        expect(
          await ids(query('betaTesters', [{ kind: 'ids', path: ['betaGroups'], ids: ['g1', 'g2'] }])),
        ).toEqual(['t1', 't2']);
        expect(
          await ids(query('builds', [{ kind: 'ids', path: ['preReleaseVersion', 'app'], ids: ['a1'] }])),
        ).toEqual(['b1', 'b2', 'b3']);
        expect(await ids(query('builds', [{ kind: 'ids', path: [], ids: [] }]))).toEqual([]);
      });

      it('attribute values are OR within one condition, conditions AND', async () => {
        const version = (values: string[]): ResourceCondition => ({
          kind: 'attribute',
          path: [],
          attribute: 'version',
          values,
        });
        expect(await ids(query('builds', [version(['1'])]))).toEqual(['b1', 'b4']);
        expect(await ids(query('builds', [version(['1', '2'])]))).toEqual(['b1', 'b2', 'b4']);
        expect(
          await ids(query('builds', [version(['1', '2']), { kind: 'ids', path: ['app'], ids: ['a1'] }])),
        ).toEqual(['b1', 'b2']);
      });

      it('boolean attributes compare true and false', async () => {
        const expired = (values: (string | boolean)[]): ResourceCondition => ({
          kind: 'attribute',
          path: [],
          attribute: 'expired',
          values,
        });
        expect(await ids(query('builds', [expired([true])]))).toEqual(['b2']);
        expect(await ids(query('builds', [expired([false])]))).toEqual(['b1', 'b3', 'b4']);
        expect(await ids(query('builds', [expired(['true', false])]))).toEqual(['b1', 'b2', 'b3', 'b4']);
        expect(
          await ids(
            query('betaGroups', [
              { kind: 'attribute', path: [], attribute: 'isInternalGroup', values: [true] },
            ]),
          ),
        ).toEqual(['g2']);
      });

      it('emails compare in any case', async () => {
        const email = (values: string[]): ResourceCondition => ({
          kind: 'attribute',
          path: [],
          attribute: 'email',
          values,
        });
        expect(await ids(query('betaTesters', [email(['ada@example.COM'])]))).toEqual(['t1']);
        expect(await ids(query('betaTesters', [email(['GRACE@EXAMPLE.COM', 'Ada@Example.com'])]))).toEqual([
          't1',
          't2',
        ]);
        // Other text compares exactly.
        expect(
          await ids(query('apps', [{ kind: 'attribute', path: [], attribute: 'name', values: ['alpha'] }])),
        ).toEqual([]);
      });

      it('attributes at the end of a dotted path', async () => {
        const prerelease = (attribute: string, values: string[]): ResourceCondition => ({
          kind: 'attribute',
          path: ['preReleaseVersion'],
          attribute,
          values,
        });
        expect(await ids(query('builds', [prerelease('version', ['1.1'])]))).toEqual(['b2', 'b3']);
        expect(await ids(query('builds', [prerelease('platform', ['MAC_OS'])]))).toEqual([]);
        expect(
          await ids(
            query('preReleaseVersions', [
              { kind: 'attribute', path: ['builds'], attribute: 'expired', values: [true] },
            ]),
          ),
        ).toEqual(['p2']);
        expect(
          await ids(
            query('betaFeedbackCrashSubmissions', [
              { kind: 'ids', path: ['build', 'preReleaseVersion'], ids: ['p2'] },
            ]),
          ),
        ).toEqual(['cs2']);
      });

      it('exists: with and without any related resource, also where the link column can be null', async () => {
        const exists = (kind: ResourceKind, path: string[], value: boolean) =>
          ids(query(kind, [{ kind: 'exists', path, exists: value }]));
        expect(await exists('builds', ['preReleaseVersion'], true)).toEqual(['b1', 'b2', 'b3']);
        expect(await exists('builds', ['preReleaseVersion'], false)).toEqual(['b4']);
        expect(await exists('betaTesters', ['apps'], false)).toEqual(['t4']);
        expect(await exists('betaTesters', ['betaGroups'], true)).toEqual(['t1', 't2']);
        // b4 holds no pre-release version: its NULL must not hide p3, which no build has.
        expect(await exists('preReleaseVersions', ['builds'], false)).toEqual(['p3']);
        expect(await exists('preReleaseVersions', ['builds'], true)).toEqual(['p1', 'p2']);
        expect(await exists('apps', ['builds', 'preReleaseVersion'], true)).toEqual(['a1']);
        expect(await exists('apps', ['builds', 'preReleaseVersion'], false)).toEqual(['a2', 'a3']);
        expect(await exists('builds', [], false)).toEqual(['b1', 'b2', 'b3', 'b4']);
      });

      it('attributePresent: the attribute has (or has not) a value', async () => {
        const present = (value: boolean) =>
          ids(
            query('builds', [
              { kind: 'attributePresent', attribute: 'usesNonExemptEncryption', present: value },
            ]),
          );
        expect(await present(true)).toEqual(['b1']);
        expect(await present(false)).toEqual(['b2', 'b3', 'b4']);
      });

      it('relatedTo: what one resource links to, through every way of linking', async () => {
        const related = (kind: ResourceKind, source: ResourceKind, relationship: string, id: string) =>
          ids(query(kind, [{ kind: 'relatedTo', source, relationship, id }]));
        expect(await related('builds', 'apps', 'builds', 'a1')).toEqual(['b1', 'b2', 'b3']);
        expect(await related('builds', 'betaTesters', 'builds', 't3')).toEqual(['b1', 'b2']);
        expect(await related('betaTesters', 'builds', 'individualTesters', 'b2')).toEqual(['t1', 't3']);
        expect(await related('preReleaseVersions', 'builds', 'preReleaseVersion', 'b1')).toEqual(['p1']);
        expect(await related('preReleaseVersions', 'builds', 'preReleaseVersion', 'b4')).toEqual([]);
        expect(await related('buildBetaDetails', 'builds', 'buildBetaDetail', 'b2')).toEqual(['b2']);
        expect(await related('betaCrashLogs', 'betaFeedbackCrashSubmissions', 'crashLog', 'cs1')).toEqual([
          'cl1',
        ]);
        expect(await related('apps', 'betaTesters', 'apps', 't4')).toEqual([]);
      });

      it("a tester's state: the furthest in the apps asked for, or in all of theirs", async () => {
        const states = async (stateInApps?: string[]) =>
          (
            await store.listResources(query('betaTesters', [], [], stateInApps), { offset: 0, limit: 10 })
          ).map((row) => `${row.id}:${String(row.attributes.state)}`);
        expect(await states()).toEqual(['t1:INSTALLED', 't2:INVITED', 't3:ACCEPTED', 't4:NOT_INVITED']);
        expect(await states(['a2'])).toEqual([
          't1:INVITED',
          't2:NOT_INVITED',
          't3:NOT_INVITED',
          't4:NOT_INVITED',
        ]);
        expect(await states([])).toEqual([
          't1:NOT_INVITED',
          't2:NOT_INVITED',
          't3:NOT_INVITED',
          't4:NOT_INVITED',
        ]);
      });
    });

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
