import type { AppStoreConnectClient } from '@rage-against-the-pixel/app-store-connect-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answered, generatedClient, type Result } from '../support/generated-client.js';
import { createHarness, type Harness } from '../support/harness.js';
import { seedTestflightFixture } from '../support/testflight-fixture.js';
import { specReads } from '../support/testflight-reads.js';

/**
 * Every read of the TestFlight slice through a client generated from Apple's own OpenAPI spec
 * (@rage-against-the-pixel/app-store-connect-api 4.4.1, hey-api's generator), against a server listening on a
 * port of its own: the client's typed calls must parse our answers and find the fixture's data in them. Each call
 * passes `at`, the server's address (test/support/generated-client.ts says why).
 */

let harness: Harness;
let api: AppStoreConnectClient['api'];
let at: { baseUrl: string };
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedTestflightFixture(harness.location.location);
  ({ api, at } = await generatedClient(harness));
});
afterAll(async () => {
  await harness?.close();
});

/** The typed body of a call that must answer 200. */
async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  const body = await answered(call, 200);
  if (body === undefined) throw new Error('a 200 without a body');
  return body;
}

const idsOf = (items: ReadonlyArray<{ id: string }>): string[] => items.map((item) => item.id);

/** One typed call per operation of the slice, each asserting the fixture's data came through. */
const CALLS: Record<string, () => Promise<void>> = {
  apps_getCollection: async () => {
    const body = await ok(
      api.Apps.appsGetCollection({ ...at, query: { 'filter[name]': ['Alpha'], sort: ['bundleId'] } }),
    );
    expect(body.data.map((app) => app.attributes?.bundleId)).toEqual([
      'com.example.alpha',
      'com.example.gamma',
    ]);
    expect(body.meta?.paging.total).toBe(2);
  },
  apps_getInstance: async () => {
    const body = await ok(
      api.Apps.appsGetInstance({ ...at, path: { id: 'a1' }, query: { include: ['builds'] } }),
    );
    expect(body.data.attributes?.isOrEverWasMadeForKids).toBe(true);
    expect(body.data.relationships?.builds?.data?.map((build) => build.id)).toEqual(['b1', 'b2', 'b3']);
    expect(body.included?.length).toBe(3);
  },
  apps_betaFeedbackCrashSubmissions_getToManyRelationship: async () => {
    const body = await ok(
      api.Apps.appsBetaFeedbackCrashSubmissionsGetToManyRelationship({ ...at, path: { id: 'a1' } }),
    );
    expect(idsOf(body.data)).toEqual(['cs1', 'cs2']);
  },
  apps_betaFeedbackCrashSubmissions_getToManyRelated: async () => {
    const body = await ok(
      api.Apps.appsBetaFeedbackCrashSubmissionsGetToManyRelated({
        ...at,
        path: { id: 'a1' },
        query: { 'filter[tester]': ['t1'], include: ['build'] },
      }),
    );
    expect(body.data.map((item) => item.attributes?.deviceFamily)).toEqual(['IPHONE']);
    expect(body.included?.map((item) => `${item.type}/${item.id}`)).toEqual(['builds/b1']);
  },
  apps_betaFeedbackScreenshotSubmissions_getToManyRelationship: async () => {
    const body = await ok(
      api.Apps.appsBetaFeedbackScreenshotSubmissionsGetToManyRelationship({ ...at, path: { id: 'a1' } }),
    );
    expect(idsOf(body.data)).toEqual(['ss1']);
  },
  apps_betaFeedbackScreenshotSubmissions_getToManyRelated: async () => {
    const body = await ok(
      api.Apps.appsBetaFeedbackScreenshotSubmissionsGetToManyRelated({ ...at, path: { id: 'a1' } }),
    );
    expect(body.data[0]?.attributes?.screenshots?.[0]?.width).toBe(393);
  },
  apps_betaGroups_getToManyRelationship: async () => {
    const body = await ok(api.Apps.appsBetaGroupsGetToManyRelationship({ ...at, path: { id: 'a1' } }));
    expect(idsOf(body.data)).toEqual(['g1', 'g2']);
  },
  apps_betaGroups_getToManyRelated: async () => {
    const body = await ok(
      api.Apps.appsBetaGroupsGetToManyRelated({ ...at, path: { id: 'a1' }, query: { limit: 1 } }),
    );
    expect(body.data.map((group) => group.attributes?.publicLinkLimit)).toEqual([10]);
    expect(body.links.next).toBeDefined();
  },
  apps_builds_getToManyRelationship: async () => {
    const body = await ok(api.Apps.appsBuildsGetToManyRelationship({ ...at, path: { id: 'a2' } }));
    expect(idsOf(body.data)).toEqual(['b4']);
  },
  apps_builds_getToManyRelated: async () => {
    const body = await ok(
      api.Apps.appsBuildsGetToManyRelated({
        ...at,
        path: { id: 'a1' },
        query: { 'fields[builds]': ['version'] },
      }),
    );
    expect(body.data.map((build) => build.attributes?.version)).toEqual(['1', '2', '3']);
  },
  apps_preReleaseVersions_getToManyRelationship: async () => {
    const body = await ok(
      api.Apps.appsPreReleaseVersionsGetToManyRelationship({ ...at, path: { id: 'a1' } }),
    );
    expect(idsOf(body.data)).toEqual(['p1', 'p2']);
  },
  apps_preReleaseVersions_getToManyRelated: async () => {
    const body = await ok(api.Apps.appsPreReleaseVersionsGetToManyRelated({ ...at, path: { id: 'a2' } }));
    expect(body.data.map((version) => version.attributes?.platform)).toEqual(['MAC_OS']);
  },
  betaGroups_betaTesterUsages_getMetrics: async () => {
    const body = await ok(
      api.Metrics.betaGroupsBetaTesterUsagesGetMetrics({
        ...at,
        path: { id: 'g1' },
        query: { groupBy: ['betaTesters'] },
      }),
    );
    // g1's members are t1 and t2; only t1 installed a1.
    expect(body.data.map((item) => item.dimensions?.betaTesters?.data)).toEqual([
      { type: 'betaTesters', id: 't1' },
    ]);
  },
  betaGroups_publicLinkUsages_getMetrics: async () => {
    const body = await ok(api.Metrics.betaGroupsPublicLinkUsagesGetMetrics({ ...at, path: { id: 'g1' } }));
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.dataPoints?.[0]?.values?.viewCount).toBe(0);
  },
  betaTesters_betaTesterUsages_getMetrics: async () => {
    const body = await ok(
      api.Metrics.betaTestersBetaTesterUsagesGetMetrics({
        ...at,
        path: { id: 't1' },
        query: { 'filter[apps]': 'a1' },
      }),
    );
    expect(body.data.map((item) => item.dimensions?.apps?.data)).toEqual([{ type: 'apps', id: 'a1' }]);
  },
  builds_betaBuildUsages_getMetrics: async () => {
    const body = await ok(api.Metrics.buildsBetaBuildUsagesGetMetrics({ ...at, path: { id: 'b1' } }));
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.dataPoints?.[0]?.values?.sessionCount).toBe(0);
  },
  apps_betaTesterUsages_getMetrics: async () => {
    const body = await ok(
      api.Metrics.appsBetaTesterUsagesGetMetrics({
        ...at,
        path: { id: 'a1' },
        query: { groupBy: ['betaTesters'] },
      }),
    );
    // t1 has installed a1 (the fixture's app_testers), with no usage: one group of zeros.
    expect(body.data.map((item) => item.dimensions?.betaTesters?.data)).toEqual([
      { type: 'betaTesters', id: 't1' },
    ]);
    expect(body.data[0]?.dataPoints?.[0]?.values?.sessionCount).toBe(0);
  },
  betaCrashLogs_getInstance: async () => {
    const body = await ok(api.BetaCrashLogs.betaCrashLogsGetInstance({ ...at, path: { id: 'cl1' } }));
    expect(body.data.attributes?.logText).toBe('Thread 0 crashed');
  },
  betaFeedbackCrashSubmissions_getInstance: async () => {
    const body = await ok(
      api.BetaFeedbackCrashSubmissions.betaFeedbackCrashSubmissionsGetInstance({
        ...at,
        path: { id: 'cs1' },
        query: { include: ['build', 'tester'] },
      }),
    );
    expect(body.data.attributes?.diskBytesTotal).toBe(64_000_000);
    expect(body.included?.map((item) => `${item.type}/${item.id}`)).toEqual(['builds/b1', 'betaTesters/t1']);
  },
  betaFeedbackCrashSubmissions_crashLog_getToOneRelationship: async () => {
    const body = await ok(
      api.BetaFeedbackCrashSubmissions.betaFeedbackCrashSubmissionsCrashLogGetToOneRelationship({
        ...at,
        path: { id: 'cs1' },
      }),
    );
    expect(body.data).toEqual({ type: 'betaCrashLogs', id: 'cl1' });
  },
  betaFeedbackCrashSubmissions_crashLog_getToOneRelated: async () => {
    const body = await ok(
      api.BetaFeedbackCrashSubmissions.betaFeedbackCrashSubmissionsCrashLogGetToOneRelated({
        ...at,
        path: { id: 'cs1' },
      }),
    );
    expect(body.data.attributes?.logText).toBe('Thread 0 crashed');
  },
  betaFeedbackScreenshotSubmissions_getInstance: async () => {
    const body = await ok(
      api.BetaFeedbackScreenshotSubmissions.betaFeedbackScreenshotSubmissionsGetInstance({
        ...at,
        path: { id: 'ss2' },
      }),
    );
    expect(body.data.attributes?.deviceFamily).toBe('IPAD');
  },
  betaGroups_getCollection: async () => {
    const body = await ok(
      api.BetaGroups.betaGroupsGetCollection({
        ...at,
        query: { 'filter[isInternalGroup]': ['false'], sort: ['-name'] },
      }),
    );
    expect(idsOf(body.data)).toEqual(['g1', 'g3']);
  },
  betaGroups_getInstance: async () => {
    const body = await ok(
      api.BetaGroups.betaGroupsGetInstance({ ...at, path: { id: 'g1' }, query: { include: ['app'] } }),
    );
    expect(body.data.attributes?.publicLink).toBe('https://testflight.apple.com/join/abcd1234');
    expect(body.data.relationships?.app?.data?.id).toBe('a1');
  },
  betaGroups_app_getToOneRelationship: async () => {
    const body = await ok(api.BetaGroups.betaGroupsAppGetToOneRelationship({ ...at, path: { id: 'g3' } }));
    expect(body.data.id).toBe('a2');
  },
  betaGroups_app_getToOneRelated: async () => {
    const body = await ok(api.BetaGroups.betaGroupsAppGetToOneRelated({ ...at, path: { id: 'g3' } }));
    expect(body.data.attributes?.name).toBe('Beta');
  },
  betaGroups_betaTesters_getToManyRelationship: async () => {
    const body = await ok(
      api.BetaGroups.betaGroupsBetaTestersGetToManyRelationship({ ...at, path: { id: 'g1' } }),
    );
    expect(idsOf(body.data)).toEqual(['t1', 't2']);
  },
  betaGroups_betaTesters_getToManyRelated: async () => {
    const body = await ok(
      api.BetaGroups.betaGroupsBetaTestersGetToManyRelated({ ...at, path: { id: 'g1' } }),
    );
    expect(body.data.map((tester) => tester.attributes?.lastName)).toEqual(['Lovelace', 'Hopper']);
  },
  betaGroups_builds_getToManyRelationship: async () => {
    const body = await ok(
      api.BetaGroups.betaGroupsBuildsGetToManyRelationship({ ...at, path: { id: 'g1' } }),
    );
    expect(idsOf(body.data)).toEqual(['b1', 'b2']);
  },
  betaGroups_builds_getToManyRelated: async () => {
    const body = await ok(api.BetaGroups.betaGroupsBuildsGetToManyRelated({ ...at, path: { id: 'g2' } }));
    expect(body.data.map((build) => build.attributes?.iconAssetToken?.width)).toEqual([1024]);
  },
  betaTesters_getCollection: async () => {
    const body = await ok(
      api.BetaTesters.betaTestersGetCollection({
        ...at,
        query: { 'filter[apps]': ['a1'], sort: ['-state'] },
      }),
    );
    expect(body.data.map((tester) => tester.attributes?.state)).toEqual(['INSTALLED', 'ACCEPTED', 'INVITED']);
  },
  betaTesters_getInstance: async () => {
    const body = await ok(api.BetaTesters.betaTestersGetInstance({ ...at, path: { id: 't1' } }));
    expect(body.data.attributes?.appDevices?.[0]?.platform).toBe('IOS');
    expect(body.data.attributes?.email).toBe('Ada@Example.com');
  },
  betaTesters_apps_getToManyRelationship: async () => {
    const body = await ok(
      api.BetaTesters.betaTestersAppsGetToManyRelationship({ ...at, path: { id: 't1' } }),
    );
    expect(idsOf(body.data)).toEqual(['a1', 'a2']);
  },
  betaTesters_apps_getToManyRelated: async () => {
    const body = await ok(api.BetaTesters.betaTestersAppsGetToManyRelated({ ...at, path: { id: 't1' } }));
    expect(body.data.map((app) => app.attributes?.name)).toEqual(['Alpha', 'Beta']);
  },
  betaTesters_betaGroups_getToManyRelationship: async () => {
    const body = await ok(
      api.BetaTesters.betaTestersBetaGroupsGetToManyRelationship({ ...at, path: { id: 't1' } }),
    );
    expect(idsOf(body.data)).toEqual(['g1', 'g2']);
  },
  betaTesters_betaGroups_getToManyRelated: async () => {
    const body = await ok(
      api.BetaTesters.betaTestersBetaGroupsGetToManyRelated({ ...at, path: { id: 't2' } }),
    );
    expect(body.data.map((group) => group.attributes?.name)).toEqual(['External']);
  },
  betaTesters_builds_getToManyRelationship: async () => {
    const body = await ok(
      api.BetaTesters.betaTestersBuildsGetToManyRelationship({ ...at, path: { id: 't3' } }),
    );
    expect(idsOf(body.data)).toEqual(['b1', 'b2']);
  },
  betaTesters_builds_getToManyRelated: async () => {
    const body = await ok(api.BetaTesters.betaTestersBuildsGetToManyRelated({ ...at, path: { id: 't3' } }));
    expect(body.data.map((build) => build.attributes?.expired)).toEqual([false, true]);
  },
  buildBetaDetails_getCollection: async () => {
    const body = await ok(
      api.BuildBetaDetails.buildBetaDetailsGetCollection({ ...at, query: { 'filter[build]': ['b2'] } }),
    );
    expect(body.data.map((detail) => detail.attributes?.externalBuildState)).toEqual(['EXPIRED']);
  },
  buildBetaDetails_getInstance: async () => {
    const body = await ok(api.BuildBetaDetails.buildBetaDetailsGetInstance({ ...at, path: { id: 'b1' } }));
    expect(body.data.attributes?.autoNotifyEnabled).toBe(true);
  },
  buildBetaDetails_build_getToOneRelationship: async () => {
    const body = await ok(
      api.BuildBetaDetails.buildBetaDetailsBuildGetToOneRelationship({ ...at, path: { id: 'b2' } }),
    );
    expect(body.data.id).toBe('b2');
  },
  buildBetaDetails_build_getToOneRelated: async () => {
    const body = await ok(
      api.BuildBetaDetails.buildBetaDetailsBuildGetToOneRelated({
        ...at,
        path: { id: 'b1' },
        query: { include: ['preReleaseVersion'] },
      }),
    );
    expect(body.data.attributes?.minOsVersion).toBe('16.0');
    expect(body.included?.map((item) => item.id)).toEqual(['p1']);
  },
  builds_getCollection: async () => {
    const body = await ok(
      api.Builds.buildsGetCollection({
        ...at,
        query: { 'filter[preReleaseVersion.version]': ['1.1'], sort: ['-uploadedDate'], limit: 1 },
      }),
    );
    expect(idsOf(body.data)).toEqual(['b2']);
    expect(body.meta?.paging.total).toBe(2);
  },
  builds_getInstance: async () => {
    const body = await ok(
      api.Builds.buildsGetInstance({
        ...at,
        path: { id: 'b2' },
        query: { include: ['individualTesters'], 'limit[individualTesters]': 1 },
      }),
    );
    expect(body.data.relationships?.individualTesters?.data?.map((tester) => tester.id)).toEqual(['t1']);
    expect(body.data.relationships?.individualTesters?.meta?.paging?.total).toBe(2);
  },
  builds_app_getToOneRelationship: async () => {
    const body = await ok(api.Builds.buildsAppGetToOneRelationship({ ...at, path: { id: 'b4' } }));
    expect(body.data.id).toBe('a2');
  },
  builds_app_getToOneRelated: async () => {
    const body = await ok(api.Builds.buildsAppGetToOneRelated({ ...at, path: { id: 'b4' } }));
    expect(body.data.attributes?.primaryLocale).toBe('de-DE');
  },
  builds_buildBetaDetail_getToOneRelationship: async () => {
    const body = await ok(
      api.Builds.buildsBuildBetaDetailGetToOneRelationship({ ...at, path: { id: 'b1' } }),
    );
    expect(body.data.id).toBe('b1');
  },
  builds_buildBetaDetail_getToOneRelated: async () => {
    const body = await ok(api.Builds.buildsBuildBetaDetailGetToOneRelated({ ...at, path: { id: 'b1' } }));
    expect(body.data.attributes?.internalBuildState).toBe('IN_BETA_TESTING');
  },
  builds_individualTesters_getToManyRelationship: async () => {
    const body = await ok(
      api.Builds.buildsIndividualTestersGetToManyRelationship({ ...at, path: { id: 'b2' } }),
    );
    expect(idsOf(body.data)).toEqual(['t1', 't3']);
  },
  builds_individualTesters_getToManyRelated: async () => {
    const body = await ok(api.Builds.buildsIndividualTestersGetToManyRelated({ ...at, path: { id: 'b1' } }));
    expect(body.data.map((tester) => tester.attributes?.inviteType)).toEqual(['PUBLIC_LINK']);
  },
  builds_preReleaseVersion_getToOneRelationship: async () => {
    const body = await ok(
      api.Builds.buildsPreReleaseVersionGetToOneRelationship({ ...at, path: { id: 'b3' } }),
    );
    expect(body.data.id).toBe('p2');
  },
  builds_preReleaseVersion_getToOneRelated: async () => {
    const body = await ok(api.Builds.buildsPreReleaseVersionGetToOneRelated({ ...at, path: { id: 'b3' } }));
    expect(body.data.attributes?.version).toBe('1.1');
  },
  preReleaseVersions_getCollection: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsGetCollection({
        ...at,
        query: { 'filter[platform]': ['IOS'], sort: ['-version'] },
      }),
    );
    expect(idsOf(body.data)).toEqual(['p2', 'p1']);
  },
  preReleaseVersions_getInstance: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsGetInstance({
        ...at,
        path: { id: 'p2' },
        query: { include: ['builds'] },
      }),
    );
    expect(body.data.relationships?.builds?.data?.map((build) => build.id)).toEqual(['b2', 'b3']);
  },
  preReleaseVersions_app_getToOneRelationship: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsAppGetToOneRelationship({ ...at, path: { id: 'p3' } }),
    );
    expect(body.data.id).toBe('a2');
  },
  preReleaseVersions_app_getToOneRelated: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsAppGetToOneRelated({ ...at, path: { id: 'p3' } }),
    );
    expect(body.data.attributes?.sku).toBe('SKU2');
  },
  preReleaseVersions_builds_getToManyRelationship: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsBuildsGetToManyRelationship({ ...at, path: { id: 'p2' } }),
    );
    expect(idsOf(body.data)).toEqual(['b2', 'b3']);
  },
  preReleaseVersions_builds_getToManyRelated: async () => {
    const body = await ok(
      api.PreReleaseVersions.preReleaseVersionsBuildsGetToManyRelated({ ...at, path: { id: 'p1' } }),
    );
    expect(body.data.map((build) => build.attributes?.processingState)).toEqual(['VALID']);
  },
};

describe('the client generated from Apple’s spec', () => {
  it('has a typed call here for every read of the slice served on this branch', () => {
    const served = specReads().map((read) => read.operationId);
    expect(Object.keys(CALLS).sort()).toEqual(served.sort());
  });

  it.each(Object.entries(CALLS))('%s', async (_operationId, call) => {
    await call();
  });
});
