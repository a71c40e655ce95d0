import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageItem } from '../../test/support/api-responses.js';
import { refusal } from '../../test/support/refusal.js';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { RefusedBatch } from './batch-problems.js';

/**
 * The tester writes of the API (services/beta-tester-writes.ts, docs/apple-behavior.md, §10 and §11), on a real
 * store (SQLite, or PostgreSQL in the postgres project): what each writes, the Apple field each problem names,
 * and what a tester taken out of an app leaves in the metrics. App 100 has testers t1 and t2 (installed, with
 * usage of build 7) and t3, build b7 and group g1 (t1, t2); app 200 has tester u1, build b1 and group g2.
 */

const NOW = '2023-10-05T12:00:00.000Z';
let harness: Harness;
beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: NOW, reportTime: NOW });
  const { store, services } = harness;
  await seedApp(store, '100', [{ id: 't1' }, { id: 't2' }, { id: 't3', installed: false }]);
  await seedApp(store, '200', [{ id: 'u1', installed: false }]);
  await services.builds.create({ appId: '100', version: '7', id: 'b7' });
  await services.builds.create({ appId: '200', version: '1', id: 'b1' });
  await services.betaGroups.create({ appId: '100', name: 'Crew', id: 'g1', testerIds: ['t1', 't2'] });
  await services.betaGroups.create({ appId: '200', name: 'Other', id: 'g2' });
  await store.appendUsageEvents(
    ['t1', 't1', 't2'].map((testerId, n) => ({
      id: `s${n}`,
      appId: '100',
      testerId,
      type: 'session' as const,
      build: '7',
      occurredAt: '2023-10-01T10:00:00.000Z',
      receivedAt: '2023-10-01T10:00:00.000Z',
    })),
  );
});
afterEach(async () => {
  await harness.close();
});

const metricTesters = async (path: string) => {
  const response = await harness.get(path);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: UsageItem[] }>().data.map((item) => item.dimensions.betaTesters.data.id);
};
const buildSessions = async (buildId: string) => {
  const response = await harness.get(`/v1/builds/${buildId}/metrics/betaBuildUsages`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Array<{ dataPoints: Array<{ values: { sessionCount: number } }> }> }>().data[0]
    ?.dataPoints[0]?.values.sessionCount;
};

describe('create', () => {
  it('invites a new tester by email to the app of its groups and builds', async () => {
    const before = await harness.store.appDataVersion('100');
    const tester = await harness.services.betaTesters.create({
      email: ' new@example.com ',
      firstName: 'Ada',
      betaGroupIds: ['g1'],
      buildIds: ['b7'],
    });
    expect(tester).toMatchObject({
      email: 'new@example.com',
      firstName: 'Ada',
      lastName: null,
      inviteType: 'EMAIL',
      createdAt: NOW,
      apps: [{ appId: '100', state: 'INVITED' }],
    });
    expect((await harness.store.findBetaGroup('g1'))?.testerIds).toContain(tester.id);
    expect((await harness.store.findBuild('b7'))?.individualTesterIds).toEqual([tester.id]);
    expect(await harness.store.appDataVersion('100')).not.toBe(before);
  });

  it('adds a tester of another app by email under their id; one of the app already is a conflict', async () => {
    const joined = await harness.services.betaTesters.create({ email: 'U1@Example.com', buildIds: ['b7'] });
    expect(joined).toMatchObject({ id: 'u1', email: 'u1@example.com' });
    expect(joined.apps.map((app) => app.appId)).toEqual(['100', '200']);
    expect(
      await refusal(() =>
        harness.services.betaTesters.create({ email: 'T3@example.com', betaGroupIds: ['g1'] }),
      ),
    ).toEqual({
      conflict: true,
      message: 'the tester T3@example.com is already in app 100',
      field: 'email',
    });
    expect((await harness.store.findBetaGroup('g1'))?.testerIds).toEqual(['t1', 't2']);
  });

  it('names the attribute or relationship at fault, and writes nothing', async () => {
    const create = harness.services.betaTesters.create;
    expect(await refusal(() => create({ email: 'a@example.com' }))).toMatchObject({ field: 'betaGroups' });
    expect(await refusal(() => create({ email: 'not-an-email', buildIds: ['b7'] }))).toEqual({
      conflict: false,
      message: "'not-an-email' is not an email address",
      field: 'email',
    });
    expect(
      await refusal(() => create({ email: 'a@example.com', firstName: 'A\u0000', buildIds: ['b7'] })),
    ).toMatchObject({ field: 'firstName' });
    expect(await refusal(() => create({ email: 'a@example.com', betaGroupIds: ['g1', 'zz'] }))).toEqual({
      conflict: false,
      message: "there is no beta group 'zz'",
      field: 'betaGroups',
    });
    expect(await refusal(() => create({ email: 'a@example.com', buildIds: ['zz'] }))).toMatchObject({
      field: 'builds',
    });
    expect(
      await refusal(() => create({ email: 'a@example.com', betaGroupIds: ['g1'], buildIds: ['b1'] })),
    ).toEqual({
      conflict: false,
      message:
        "the beta groups and builds of a new tester must be of one app: beta group 'g1' is of app '100', build 'b1' of app '200'",
      field: 'builds',
    });
    expect(await harness.store.countTesters({ emails: ['a@example.com'] })).toBe(0);
  });

  it("refuses groups and builds of another app than the one the caller names (the CLI's --app)", async () => {
    const create = harness.services.betaTesters.create;
    expect(
      await refusal(() =>
        create({ appId: '200', email: 'a@example.com', betaGroupIds: ['g2'], buildIds: ['b7'] }),
      ),
    ).toEqual({
      conflict: false,
      message:
        "build 'b7' is of app '100', not of app '200'; list them with 'groups list --app 200' or 'builds list --app 200'",
      field: 'builds',
    });
    expect(await harness.store.countTesters({ emails: ['a@example.com'] })).toBe(0);
    const made = await create({ appId: '200', email: 'a@example.com', betaGroupIds: ['g2'] });
    expect(made.apps).toEqual([{ appId: '200', state: 'INVITED' }]);
  });
});

describe('leaving apps', () => {
  it("takes a tester out of an app's and its groups' metrics; the build's totals keep their usage", async () => {
    const sessions = await buildSessions('b7');
    expect(sessions).toBe(3);
    expect(await metricTesters('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters')).toEqual([
      't1',
      't2',
    ]);
    await harness.services.betaTesters.removeFromApps('t1', ['100']);
    expect(await metricTesters('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters')).toEqual(['t2']);
    expect(await metricTesters('/v1/betaGroups/g1/metrics/betaTesterUsages?groupBy=betaTesters')).toEqual([
      't2',
    ]);
    expect(await buildSessions('b7')).toBe(sessions);
    // Their later events for the app are refused; the tester is still there.
    await expect(
      harness.services.ingestion.ingestBatch(
        { events: [{ id: 'late', type: 'session', appId: '100', testerId: 't1', timestamp: NOW }] },
        '100',
      ),
    ).rejects.toBeInstanceOf(RefusedBatch);
    expect((await harness.services.betaTesters.find('t1'))?.apps).toEqual([]);
    // Again: nothing to do. The app's side of the same write.
    await harness.services.betaTesters.removeFromApps('t1', ['100']);
    await harness.services.apps.removeBetaTesters('100', ['t2', 'u1']);
    expect(await metricTesters('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters')).toEqual([]);
    expect(await buildSessions('b7')).toBe(sessions);
  });

  it('names the unknown apps or testers, and removes no one', async () => {
    expect(
      await refusal(() => harness.services.betaTesters.removeFromApps('t1', ['100', 'zz'])),
    ).toMatchObject({
      field: 'apps',
    });
    expect(await refusal(() => harness.services.apps.removeBetaTesters('100', ['t1', 'zz']))).toMatchObject({
      field: 'betaTesters',
    });
    expect(await refusal(() => harness.services.betaTesters.removeFromApps('zz', []))).toMatchObject({
      field: undefined,
    });
    expect(await refusal(() => harness.services.apps.removeBetaTesters('zz', ['t1']))).toMatchObject({
      field: undefined,
    });
    expect(await harness.store.testersOfApp('100', ['t1', 't2'])).toEqual(new Set(['t1', 't2']));
  });

  it('deletes a tester: gone from the metrics, their usage still in the totals', async () => {
    const sessions = await buildSessions('b7');
    await harness.services.betaTesters.delete('t1');
    expect(await harness.services.betaTesters.find('t1')).toBeUndefined();
    expect(await metricTesters('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters')).toEqual(['t2']);
    expect(await buildSessions('b7')).toBe(sessions);
    expect(await refusal(() => harness.services.betaTesters.delete('t1'))).toMatchObject({
      field: undefined,
    });
  });
});

describe('groups and builds of a tester', () => {
  it('joins groups and builds, and their apps when new to them; leaves them again', async () => {
    const { betaTesters, betaGroups } = harness.services;
    await betaTesters.addToBetaGroups('u1', ['g1']);
    await betaTesters.addToBuilds('t3', ['b1']);
    expect((await betaTesters.find('u1'))?.apps).toEqual([
      { appId: '100', state: 'INVITED' },
      { appId: '200', state: 'INVITED' },
    ]);
    expect((await betaTesters.find('t3'))?.apps.map((app) => app.appId)).toEqual(['100', '200']);
    expect(await refusal(() => betaTesters.addToBetaGroups('u1', ['g1']))).toEqual({
      conflict: true,
      message: "tester 'u1' is already in beta group 'g1'",
      field: 'betaGroups',
    });
    expect(await refusal(() => betaTesters.addToBuilds('t3', ['b1']))).toEqual({
      conflict: true,
      message: "tester 't3' already has build 'b1' individually",
      field: 'builds',
    });
    expect(await refusal(() => betaTesters.addToBetaGroups('t3', ['g2', 'zz']))).toMatchObject({
      conflict: false,
      field: 'betaGroups',
    });
    expect((await harness.store.findBetaGroup('g2'))?.testerIds).toEqual([]);
    await betaTesters.removeFromBetaGroups('u1', ['g1', 'g2']);
    await betaTesters.removeFromBuilds('t3', ['b1', 'b7']);
    expect((await betaGroups.list('100')).find((g) => g.id === 'g1')?.testerIds).toEqual(['t1', 't2']);
    expect((await harness.store.findBuild('b1'))?.individualTesterIds).toEqual([]);
    expect(await refusal(() => betaTesters.removeFromBuilds('t3', ['zz']))).toMatchObject({
      field: 'builds',
    });
    expect(await refusal(() => betaTesters.addToBuilds('zz', ['b1']))).toMatchObject({ field: undefined });
  });
});

describe('invite', () => {
  it('invites a tester of the app again, with a new invitation id each time', async () => {
    await harness.store.addTestersToApps([
      { appId: '200', testerId: 't1', state: 'ACCEPTED', invitedAt: NOW },
    ]);
    const first = await harness.services.betaTesters.invite({ appId: '200', betaTesterId: 't1' });
    const second = await harness.services.betaTesters.invite({ appId: '100', betaTesterId: 't1' });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.id).not.toBe(first.id);
    // INVITED again where they had accepted; still INSTALLED where they had installed.
    expect((await harness.services.betaTesters.find('t1'))?.apps).toEqual([
      { appId: '100', state: 'INSTALLED' },
      { appId: '200', state: 'INVITED' },
    ]);
    const invite = harness.services.betaTesters.invite;
    expect(await refusal(() => invite({ appId: '200', betaTesterId: 't2' }))).toMatchObject({
      field: 'betaTester',
    });
    expect(await refusal(() => invite({ appId: 'zz', betaTesterId: 't1' }))).toMatchObject({ field: 'app' });
  });
});
