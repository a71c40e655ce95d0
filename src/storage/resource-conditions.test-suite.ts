import { describe, expect, it } from 'vitest';
import type { ResourceCondition, ResourceKind } from './resource-reads.js';
import { query, type ResourceReadsFixture } from './resource-reads-fixture.test-suite.js';

/** The condition `filter[<attribute>]=<values>` on the listed resource itself. */
function attributeIs(attribute: string, values: readonly (string | boolean)[]): ResourceCondition {
  return { kind: 'attribute', path: [], attribute, values: [...values] };
}

/**
 * The conditions of the generic resource reads (queries/resource-conditions.ts) on one backend: each kind, on
 * the resource itself and at the end of a path of relationships. describeResourceReads runs this within its
 * describe, between findResources and sort, over the store it seeded.
 */
export function describeResourceConditions(fixture: ResourceReadsFixture): void {
  const { store, ids } = fixture;
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
      const version = (values: string[]) => attributeIs('version', values);
      expect(await ids(query('builds', [version(['1'])]))).toEqual(['b1', 'b4']);
      expect(await ids(query('builds', [version(['1', '2'])]))).toEqual(['b1', 'b2', 'b4']);
      expect(
        await ids(query('builds', [version(['1', '2']), { kind: 'ids', path: ['app'], ids: ['a1'] }])),
      ).toEqual(['b1', 'b2']);
    });

    it('boolean attributes compare true and false', async () => {
      const expired = (values: (string | boolean)[]) => attributeIs('expired', values);
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
      const email = (values: string[]) => attributeIs('email', values);
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
        (await store.listResources(query('betaTesters', [], [], stateInApps), { offset: 0, limit: 10 })).map(
          (row) => `${row.id}:${String(row.attributes.state)}`,
        );
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
}
