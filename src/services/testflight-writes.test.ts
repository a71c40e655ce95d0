import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusal } from '../../test/support/refusal.js';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { ConflictError, InputError, inField } from './input-error.js';

/**
 * The group, build and feedback writes of the API (services/beta-groups.ts, builds.ts, feedback.ts;
 * docs/apple-behavior.md, §10 and §11) on a real store: a tester of the store joins the app of the group or build
 * they are added to, a member added twice is a ConflictError, unknown ids name their relationship, a group's
 * name is unique in its app. App 100 has testers t1, t2, t3, builds b7 and b8 and group g1 (t1, build b7); app
 * 200 has tester u1, build b1 and group g2.
 */

const NOW = '2023-10-05T12:00:00.000Z';
let harness: Harness;
beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: NOW, reportTime: NOW });
  const { store, services } = harness;
  await seedApp(store, '100', [{ id: 't1' }, { id: 't2' }, { id: 't3', installed: false }]);
  await seedApp(store, '200', [{ id: 'u1', installed: false }]);
  for (const [appId, version, id] of [
    ['100', '7', 'b7'],
    ['100', '8', 'b8'],
    ['200', '1', 'b1'],
  ] as const)
    await services.builds.create({ appId, version, id });
  await services.betaGroups.create({
    appId: '100',
    name: 'Crew',
    id: 'g1',
    testerIds: ['t1'],
    buildIds: ['b7'],
  });
  await services.betaGroups.create({ appId: '200', name: 'Other', id: 'g2' });
});
afterEach(async () => {
  await harness.close();
});

describe('errors', () => {
  it('a ConflictError is an InputError; inField names the field of one that has none', () => {
    const conflict = new ConflictError('the name is taken', 'name');
    expect(conflict).toBeInstanceOf(InputError);
    expect([conflict.name, conflict.field]).toEqual(['ConflictError', 'name']);
    expect(() =>
      inField('email', () => {
        throw new InputError('bad');
      }),
    ).toThrow(new InputError('bad', 'email'));
    expect(() =>
      inField('email', () => {
        throw new ConflictError('taken', 'name');
      }),
    ).toThrow(new ConflictError('taken', 'name'));
  });
});

describe('beta groups', () => {
  it('adds testers of the store to the group and its app, and builds of the app; removes them again', async () => {
    const { betaGroups } = harness.services;
    const before = await harness.store.appDataVersion('100');
    const group = await betaGroups.add('g1', { testerIds: ['t2', 'u1'], buildIds: ['b8'] });
    expect(group).toMatchObject({ testerIds: ['t1', 't2', 'u1'], buildIds: ['b7', 'b8'] });
    expect((await harness.services.betaTesters.find('u1'))?.apps).toEqual([
      { appId: '100', state: 'INVITED' },
      { appId: '200', state: 'INVITED' },
    ]);
    expect(await harness.store.appDataVersion('100')).not.toBe(before);
    await betaGroups.remove('g1', { testerIds: ['u1', 't3'], buildIds: ['b7'] });
    await betaGroups.remove('g1', { testerIds: ['u1'] });
    expect(await harness.store.findBetaGroup('g1')).toMatchObject({
      testerIds: ['t1', 't2'],
      buildIds: ['b8'],
    });
    // Out of the group, still in the app.
    expect(await harness.store.testersOfApp('100', ['u1'])).toEqual(new Set(['u1']));
  });

  it('refuses a member twice, an unknown one and a build of another app, adding none', async () => {
    const add = harness.services.betaGroups.add;
    expect(await refusal(() => add('g1', { testerIds: ['t2', 't1'] }))).toEqual({
      conflict: true,
      message: "tester 't1' is already in beta group 'g1'",
      field: 'betaTesters',
    });
    expect(await refusal(() => add('g1', { testerIds: ['t2'], buildIds: ['b7'] }))).toMatchObject({
      conflict: true,
      field: 'builds',
    });
    expect(await refusal(() => add('g1', { testerIds: ['t2', 'zz'] }))).toMatchObject({
      conflict: false,
      field: 'betaTesters',
    });
    expect(await refusal(() => add('g1', { testerIds: ['t2'], buildIds: ['b1'] }))).toEqual({
      conflict: false,
      message: "there is no build b1 of app 100; see what exists with 'groups list --app APP_ID'",
      field: 'builds',
    });
    expect(await refusal(() => add('g1', { testerIds: ['bad id!'] }))).toMatchObject({
      field: 'betaTesters',
    });
    expect(await refusal(() => add('zz', { testerIds: ['t2'] }))).toMatchObject({ field: undefined });
    expect(await refusal(() => harness.services.betaGroups.remove('g1', { buildIds: ['zz'] }))).toMatchObject(
      {
        field: 'builds',
      },
    );
    expect((await harness.store.findBetaGroup('g1'))?.testerIds).toEqual(['t1']);
  });

  it('keeps names unique in an app in any case, and deletes a group leaving its testers in the app', async () => {
    const { betaGroups } = harness.services;
    expect(await refusal(() => betaGroups.create({ appId: '100', name: ' CREW ' }))).toEqual({
      conflict: true,
      message: 'a beta group with this name in this app already exists; choose another name',
      field: 'name',
    });
    await betaGroups.create({ appId: '200', name: 'crew', id: 'g3' });
    await betaGroups.create({ appId: '100', name: 'Night crew', id: 'g4' });
    expect(await refusal(() => betaGroups.update('g4', { name: 'crew' }))).toMatchObject({
      conflict: true,
      field: 'name',
    });
    expect(
      await refusal(() => betaGroups.create({ appId: '100', name: 'X', testerIds: ['u1'] })),
    ).toMatchObject({
      field: 'betaTesters',
    });
    expect(await refusal(() => betaGroups.create({ appId: 'zz', name: 'X' }))).toMatchObject({
      field: 'app',
    });

    await betaGroups.delete('g1');
    expect(await harness.store.findBetaGroup('g1')).toBeUndefined();
    expect(await harness.store.testersOfApp('100', ['t1'])).toEqual(new Set(['t1']));
    await betaGroups.update('g4', { name: 'Crew' });
    expect(await refusal(() => betaGroups.delete('g1'))).toMatchObject({ conflict: false, field: undefined });
  });
});

describe('attributes', () => {
  it("names the attribute at fault in a group's or an app's", async () => {
    const { betaGroups, apps } = harness.services;
    expect(await refusal(() => betaGroups.update('g1', { publicLinkLimit: 0 }))).toEqual({
      conflict: false,
      message: 'the public link limit must be a whole number from 1 to 10000, not 0',
      field: 'publicLinkLimit',
    });
    expect(await refusal(() => betaGroups.update('g1', { publicLinkLimitEnabled: true }))).toMatchObject({
      field: 'publicLinkLimit',
    });
    expect(await refusal(() => betaGroups.update('g1', { name: '  ' }))).toMatchObject({ field: 'name' });
    expect(await refusal(() => betaGroups.update('g1', { publicLink: 'ftp://x' }))).toMatchObject({
      field: 'publicLink',
    });
    expect(await refusal(() => apps.update('100', { accessibilityUrl: 'ftp://x' }))).toEqual({
      conflict: false,
      message: "the accessibility URL 'ftp://x' is not an http or https URL",
      field: 'accessibilityUrl',
    });
    expect(await refusal(() => apps.update('100', { subscriptionStatusUrlVersion: 'V9' }))).toMatchObject({
      field: 'subscriptionStatusUrlVersion',
    });
    expect(await refusal(() => apps.update('100', { primaryLocale: 'English' }))).toMatchObject({
      field: 'primaryLocale',
    });
  });
});

describe('builds', () => {
  it('gives a build to testers of the store, who join its app; takes it back', async () => {
    const { builds } = harness.services;
    const build = await builds.addIndividualTesters('b7', ['t2', 'u1']);
    expect(build.individualTesterIds).toEqual(['t2', 'u1']);
    expect(await harness.store.testersOfApp('100', ['u1'])).toEqual(new Set(['u1']));
    expect(await refusal(() => builds.addIndividualTesters('b7', ['t3', 't2']))).toEqual({
      conflict: true,
      message: "tester 't2' already has build 'b7' individually",
      field: 'individualTesters',
    });
    expect(await refusal(() => builds.addIndividualTesters('b7', ['zz']))).toMatchObject({
      field: 'individualTesters',
    });
    await builds.removeIndividualTesters('b7', ['u1', 't3']);
    expect((await harness.store.findBuild('b7'))?.individualTesterIds).toEqual(['t2']);
  });

  it("puts a build in its app's groups and takes it out", async () => {
    const { builds } = harness.services;
    await builds.addToBetaGroups('b8', ['g1']);
    expect((await harness.store.findBetaGroup('g1'))?.buildIds).toEqual(['b7', 'b8']);
    expect(await refusal(() => builds.addToBetaGroups('b8', ['g1']))).toMatchObject({
      conflict: true,
      field: 'betaGroups',
    });
    expect(await refusal(() => builds.addToBetaGroups('b7', ['g2']))).toMatchObject({
      conflict: false,
      field: 'betaGroups',
    });
    expect(await refusal(() => builds.addToBetaGroups('b7', ['zz']))).toMatchObject({ field: 'betaGroups' });
    expect(await refusal(() => builds.addToBetaGroups('zz', ['g1']))).toMatchObject({ field: undefined });
    await builds.removeFromBetaGroups('b8', ['g1', 'g2']);
    await builds.removeFromBetaGroups('b8', ['g1']);
    expect((await harness.store.findBetaGroup('g1'))?.buildIds).toEqual(['b7']);
  });
});

describe('feedback', () => {
  it('deletes screenshot and crash submissions, a crash with its log', async () => {
    const { feedback } = harness.services;
    await feedback.createScreenshot({ appId: '100', id: 's1', testerId: 't1' });
    await feedback.createCrash({ appId: '100', id: 'c1', crashLog: 'Thread 0 Crashed', crashLogId: 'l1' });
    await feedback.deleteScreenshot('s1');
    await feedback.deleteCrash('c1');
    expect(await feedback.listScreenshots('100')).toEqual([]);
    expect(await feedback.listCrashes('100')).toEqual([]);
    // The log went too: its id is free.
    await feedback.createCrash({ appId: '100', id: 'c2', crashLog: 'again', crashLogId: 'l1' });
    expect(await refusal(() => feedback.deleteScreenshot('s1'))).toMatchObject({
      conflict: false,
      field: undefined,
    });
    expect(await refusal(() => feedback.deleteCrash('c1'))).toMatchObject({
      conflict: false,
      field: undefined,
    });
  });
});
