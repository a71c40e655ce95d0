import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessCli } from '../../../test/support/cli-in-process.js';

/**
 * The CLI's side of the API's writes (testers add with groups, remove, delete, invite; groups remove and delete;
 * builds remove-testers; feedback delete), in process on one store: each command's effect as the listings show
 * it, and an error that says what to do.
 */
describe('beta-metrics writes (in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-write-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const run = inProcessCli(() => dir);
  const errors = (result: { shown: { errors: string[] } }) => result.shown.errors.join('\n');

  /** Apps 100 and 200; build b1 and group g1 of 100, group g2 of 200; tester t1 in app 100, in g1 and b1. */
  const setUp = async () => {
    for (const [id, bundle] of [
      ['100', 'com.example.l'],
      ['200', 'com.example.m'],
    ] as const)
      expect(
        (await run('apps', 'create', '--name', `App ${id}`, '--bundle-id', bundle, '--id', id)).code,
      ).toBe(0);
    await run('builds', 'create', '--app', '100', '--number', '412', '--id', 'b1');
    await run('groups', 'create', '--app', '100', '--name', 'Beta', '--id', 'g1');
    await run('groups', 'create', '--app', '200', '--name', 'Other', '--id', 'g2');
    await run('testers', 'add', '--app', '100', '--email', 'a@example.com', '--id', 't1');
    await run('groups', 'add', 'g1', '--tester', 't1');
    await run('builds', 'add-testers', 'b1', '--tester', 't1');
  };
  const groupOf = async (app: string, id: string) =>
    (
      (await run('groups', 'list', '--app', app, '--json')).json() as unknown as Array<
        Record<string, unknown>
      >
    ).find((group) => group.id === id);
  const testerIdsOf = async (app: string) =>
    ((await run('testers', 'list', '--app', app, '--json')).json() as unknown as Array<{ id: string }>).map(
      (tester) => tester.id,
    );

  it('testers add with --group and --build invites into them (INVITED), keeping the id of a known email', async () => {
    await setUp();
    const added = await run(
      'testers',
      'add',
      '--app',
      '100',
      '--email',
      'new@example.com',
      '--first-name',
      'Ada',
      '--group',
      'g1',
      '--build',
      'b1',
      '--json',
    );
    expect(added.code).toBe(0);
    const made = added.json();
    expect(made).toMatchObject({
      appId: '100',
      email: 'new@example.com',
      firstName: 'Ada',
      state: 'INVITED',
    });
    expect(made.created).toBe(true);
    expect((await groupOf('100', 'g1'))?.testerIds).toEqual(expect.arrayContaining([made.id, 't1']));
    const builds = (await run('builds', 'list', '--app', '100', '--json')).json() as unknown as Array<{
      individualTesterIds: string[];
    }>;
    expect(builds[0]?.individualTesterIds).toContain(made.id);

    // The same person (email in another case) into app 200: their id, not a new tester.
    const again = await run('testers', 'add', '--app', '200', '--email', 'NEW@example.com', '--group', 'g2');
    expect(again.code).toBe(0);
    expect(again.shown.lines[0]).toBe(
      `Added the existing tester ${made.id} <new@example.com> to app 200 in groups g2 (INVITED).`,
    );
    expect(await testerIdsOf('200')).toEqual([made.id]);
  });

  it('testers add refuses a group of another app, --id with --group, and a tester already in the app', async () => {
    await setUp();
    const elsewhere = await run(
      'testers',
      'add',
      '--app',
      '100',
      '--email',
      'b@example.com',
      '--group',
      'g2',
    );
    expect(elsewhere.code).toBe(1);
    expect(errors(elsewhere)).toContain("beta group 'g2' is of app '200', not of app '100'");
    const withId = await run(
      'testers',
      'add',
      '--app',
      '100',
      '--email',
      'b@example.com',
      '--group',
      'g1',
      '--id',
      'x',
    );
    expect(errors(withId)).toContain('--id cannot be given with --group or --build');
    const twice = await run('testers', 'add', '--app', '100', '--email', 'A@example.com', '--group', 'g1');
    expect(errors(twice)).toContain('the tester A@example.com is already in app 100');
    expect(await testerIdsOf('100')).toEqual(['t1']);
  });

  it('testers remove takes a tester out of an app with its groups and builds; other apps keep them', async () => {
    await setUp();
    await run('testers', 'add', '--app', '200', '--email', 'a@example.com');
    const removed = await run('testers', 'remove', 't1', '--app', '100');
    expect(removed.code).toBe(0);
    expect(removed.shown.lines).toEqual([
      'Removed tester t1 from app 100, with their groups and builds there.',
    ]);
    expect(await testerIdsOf('100')).toEqual([]);
    expect(await testerIdsOf('200')).toEqual(['t1']);
    expect((await groupOf('100', 'g1'))?.testerIds).toEqual([]);
    const unknown = await run('testers', 'remove', 'nobody', '--app', '100');
    expect(unknown.code).toBe(1);
    expect(errors(unknown)).toContain(
      "there is no tester with id 'nobody'; list them with 'testers list --app ID'",
    );
  });

  it('testers delete deletes the tester everywhere; a second delete says there is none', async () => {
    await setUp();
    const deleted = await run('testers', 'delete', 't1', '--json');
    expect(deleted.json()).toEqual({ id: 't1', deleted: true });
    expect(await testerIdsOf('100')).toEqual([]);
    expect((await groupOf('100', 'g1'))?.testerIds).toEqual([]);
    const again = await run('testers', 'delete', 't1');
    expect(again.code).toBe(1);
    expect(errors(again)).toContain(
      "there is no tester t1; see what exists with 'testers list --app APP_ID'",
    );
  });

  it('testers invite invites a tester of the app again, and refuses one who is not in it', async () => {
    await setUp();
    const first = (await run('testers', 'invite', 't1', '--app', '100', '--json')).json();
    const second = (await run('testers', 'invite', 't1', '--app', '100', '--json')).json();
    expect(first).toMatchObject({ testerId: 't1', appId: '100', state: 'INVITED' });
    expect(first.invitationId).not.toBe(second.invitationId);
    const line = await run('testers', 'invite', 't1', '--app', '100');
    expect(line.shown.lines[0]).toMatch(
      /^Invited tester t1 to app 100 again \(invitation [0-9a-f-]{36}; INVITED\)\.$/,
    );
    const outsider = await run('testers', 'invite', 't1', '--app', '200');
    expect(outsider.code).toBe(1);
    expect(errors(outsider)).toContain(
      "there is no tester t1 in app 200; see what exists with 'testers list --app APP_ID'",
    );
  });

  it('groups remove takes testers and builds out of a group (the tester stays in the app); groups delete', async () => {
    await setUp();
    await run('groups', 'add', 'g1', '--build', 'b1');
    const removed = await run('groups', 'remove', 'g1', '--tester', 't1', '--build', 'b1');
    expect(removed.code).toBe(0);
    expect(removed.shown.lines).toEqual([
      'Group g1 no longer has testers t1 or builds b1; the testers stay in the app.',
    ]);
    expect(await groupOf('100', 'g1')).toMatchObject({ testerIds: [], buildIds: [] });
    expect(await testerIdsOf('100')).toEqual(['t1']);

    const nothing = await run('groups', 'remove', 'g1');
    expect(errors(nothing)).toContain('name what leaves the group: --tester ID or --build ID');
    const unknown = await run('groups', 'remove', 'nope', '--tester', 't1');
    expect(errors(unknown)).toContain(
      "there is no beta group with id 'nope'; list them with 'groups list --app APP_ID'",
    );

    await run('groups', 'add', 'g1', '--tester', 't1');
    const deleted = await run('groups', 'delete', 'g1');
    expect(deleted.shown.lines).toEqual(['Deleted group g1; its testers stay in the app.']);
    expect(await groupOf('100', 'g1')).toBeUndefined();
    expect(await testerIdsOf('100')).toEqual(['t1']);
    const again = await run('groups', 'delete', 'g1');
    expect(again.code).toBe(1);
    expect(errors(again)).toContain(
      "there is no beta group g1; see what exists with 'groups list --app APP_ID'",
    );
  });

  it('builds remove-testers takes back a build given individually, and refuses an unknown build', async () => {
    await setUp();
    const removed = await run('builds', 'remove-testers', 'b1', '--tester', 't1', '--json');
    expect(removed.json()).toEqual({ id: 'b1', removedTesterIds: ['t1'] });
    const builds = (await run('builds', 'list', '--app', '100', '--json')).json() as unknown as Array<{
      individualTesterIds: string[];
    }>;
    expect(builds[0]?.individualTesterIds).toEqual([]);
    const unknown = await run('builds', 'remove-testers', 'nope', '--tester', 't1');
    expect(unknown.code).toBe(1);
    expect(errors(unknown)).toContain(
      "there is no build with id 'nope'; list them with 'builds list --app APP_ID'",
    );
  });

  it('feedback delete deletes a screenshot or a crash submission, and says when there is none', async () => {
    await setUp();
    await run('feedback', 'screenshot', '--app', '100', '--id', 's1', '--tester', 't1');
    await run('feedback', 'crash', '--app', '100', '--id', 'c1', '--tester', 't1');
    expect((await run('feedback', 'delete', 's1', '--kind', 'screenshot')).shown.lines).toEqual([
      'Deleted screenshot feedback s1.',
    ]);
    expect((await run('feedback', 'delete', 'c1', '--kind', 'crash', '--json')).json()).toEqual({
      id: 'c1',
      kind: 'crash',
      deleted: true,
    });
    expect((await run('feedback', 'list', '--app', '100', '--json')).json()).toEqual({
      screenshots: [],
      crashes: [],
    });
    const kind = await run('feedback', 'delete', 's1', '--kind', 'all');
    expect(errors(kind)).toContain("--kind takes screenshot or crash, not 'all'");
    const gone = await run('feedback', 'delete', 's1', '--kind', 'screenshot');
    expect(gone.code).toBe(1);
    expect(errors(gone)).toContain(
      "there is no screenshot feedback submission s1; see what exists with 'feedback list --app APP_ID'",
    );
  });
});
