import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPage, signIn } from '../../test/support/dashboard.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { addPreReleaseVersion, enablePublicLink } from '../../test/support/testflight-rows.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';

// The builds and groups pages over a small store: their numbers against sums of the events sent, their order,
// links, empty states and escaping. The report date is 2023-10-05: the default 30 days are 09-06..10-05.

const APP = '1111111111';
const BARE_APP = '2222222222';
const testerId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const TESTERS = 60;

let harness: Harness;
let cookie: string;
const events: UsageEventRecord[] = [];

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  const { store } = harness;
  for (const [id, name] of [
    [APP, 'Nightjar <beta>'],
    [BARE_APP, 'Bare'],
  ] as const)
    await store.createApp({
      id,
      name,
      bundleId: `com.example.${id}`,
      sku: id,
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
  const testers = Array.from({ length: TESTERS }, (_, n) => ({
    id: testerId(n),
    email: `tester${n}@example.com`,
    firstName: n === 0 ? '<i>Ivy</i>' : `First${n}`,
    lastName: `Last${n}`,
    inviteType: 'EMAIL' as const,
    createdAt: '2023-01-01T00:00:00.000Z',
  }));
  await store.createTesters(testers);
  await store.addTestersToApps(
    testers.map((t) => ({
      appId: APP,
      testerId: t.id,
      state: 'INVITED',
      invitedAt: '2023-01-02T00:00:00.000Z',
    })),
  );
  for (const [number, uploadedAt] of [
    ['410', '2023-08-01T10:00:00.000Z'],
    ['411', '2023-09-01T10:00:00.000Z'],
    ['412', '2023-09-20T10:00:00.000Z'],
    ['<413>', '2023-10-01T10:00:00.000Z'],
  ] as const)
    await store.createBuild({ id: `b${number}`, appId: APP, version: number, uploadedAt });
  await addPreReleaseVersion(store, { id: 'v14', appId: APP, version: '1.4', platform: 'IOS' }, [
    'b410',
    'b411',
  ]);
  await addPreReleaseVersion(store, { id: 'v15', appId: APP, version: '1.5', platform: 'IOS' }, ['b412']);

  // Tester n: installs 410 in July; on 2023-09-10 n % 4 sessions of 411 and n % 3 crashes of it; on 2023-10-02
  // and 10-04 n % 5 sessions of 412, a crash of it for every 7th tester and feedback for every 10th; every 9th tester
  // sends a session naming build 999, which no build has. <413> has no events.
  const event = (n: number, type: UsageEventRecord['type'], k: number, day: string, build: string) =>
    events.push({
      id: `${n}-${type}-${build}-${k}`,
      appId: APP,
      testerId: testerId(n),
      type,
      occurredAt: `${day}T08:00:00.000Z`,
      receivedAt: `${day}T08:00:00.000Z`,
      build,
    });
  for (let n = 0; n < 50; n++) {
    event(n, 'install', 0, '2023-07-01', '410');
    for (let k = 0; k < n % 4; k++) event(n, 'session', k, '2023-09-10', '411');
    for (let k = 0; k < n % 3; k++) event(n, 'crash', k, '2023-09-10', '411');
    for (let k = 0; k < n % 5; k++) event(n, 'session', k, k % 2 === 0 ? '2023-10-02' : '2023-10-04', '412');
    if (n % 7 === 0) event(n, 'crash', 0, '2023-10-02', '412');
    if (n % 10 === 0) event(n, 'feedback', 0, '2023-10-02', '412');
    if (n % 9 === 0) event(n, 'session', 0, '2023-10-03', '999');
  }
  await store.appendUsageEvents(events);

  const group = (id: string, name: string, isInternal: boolean, members: number[]) =>
    store.createBetaGroup(
      { id, appId: APP, name, isInternal, createdAt: '2023-01-03T00:00:00.000Z' },
      members.map(testerId),
    );
  await group('g-int', 'Internal <team>', true, [0, 1, 2]);
  await group(
    'g-pub',
    'Public Beta',
    false,
    Array.from({ length: 55 }, (_, n) => n + 5),
  );
  await group('g-empty', 'Nobody yet', false, []);
  await enablePublicLink(store, 'g-pub');
  cookie = await signIn(harness);
});
afterAll(() => harness.close());

const page = (url: string, headers: Record<string, string> = {}) => getPage(harness, url, cookie, headers);
const rowIds = (body: string) => [...body.matchAll(/<tr data-tester="([^"]+)"/g)].map((m) => m[1] ?? '');

/** The cells of the build row of `number`: label, uploaded, testers, sessions, crashes, crash rate, feedback. */
function buildRow(body: string, number: string): string[] {
  const row = new RegExp(`<tr data-build="${number}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** What the events of `build` add up to from `first` to `last`, straight from the list sent. */
function sums(build: (b: string | undefined) => boolean, first: string, last: string) {
  const inWindow = events.filter(
    (e) => build(e.build) && e.occurredAt >= first && e.occurredAt <= `${last}T24`,
  );
  const count = (type: string) => inWindow.filter((e) => e.type === type).length;
  const sessions = count('session');
  const crashes = count('crash');
  return [
    String(new Set(inWindow.map((e) => e.testerId)).size),
    String(sessions),
    String(crashes),
    sessions === 0 ? '—' : `${((crashes * 100) / sessions).toFixed(1)}%`,
    String(count('feedback')),
  ];
}

describe('200', () => {
  it('links the app page to its builds and groups, keeping the period', async () => {
    const app = await page(`/dashboard/apps/${APP}?period=P90D`);
    expect(app.body).toContain(
      `<a href="/dashboard/apps/${APP}?period=P90D" data-section="overview" aria-current="page">Overview</a>`,
    );
    expect(app.body).toContain(
      `<a href="/dashboard/apps/${APP}/builds?period=P90D" data-section="builds">Builds</a>`,
    );
    expect(app.body).toContain(
      `<a href="/dashboard/apps/${APP}/groups?period=P90D" data-section="groups">Groups</a>`,
    );
  });

  it('lists builds newest first, labelled by version, with the sums of their events in the period', async () => {
    const builds = await page(`/dashboard/apps/${APP}/builds`);
    expect(builds.statusCode).toBe(200);
    const order = [...builds.body.matchAll(/<tr data-build="([^"]*)"/g)].map((m) => m[1]);
    expect(order).toEqual(['&lt;413&gt;', '412', '411', '410', '']);
    expect(builds.body).not.toContain('<413>');
    expect(buildRow(builds.body, '412').slice(0, 2)).toEqual(['1.5 (412)', '20 Sep 2023']);
    expect(buildRow(builds.body, '&lt;413&gt;')).toEqual([
      '&lt;413&gt;',
      '1 Oct 2023',
      '0',
      '0',
      '0',
      '—',
      '0',
    ]);
    for (const [period, first] of [
      ['P30D', '2023-09-06'],
      ['P7D', '2023-09-29'],
    ] as const) {
      const body =
        period === 'P30D' ? builds.body : (await page(`/dashboard/apps/${APP}/builds?period=${period}`)).body;
      for (const number of ['410', '411', '412'])
        expect(buildRow(body, number).slice(2), `${number} ${period}`).toEqual(
          sums((b) => b === number, first, '2023-10-05'),
        );
      expect(buildRow(body, '').slice(2), period).toEqual(sums((b) => b === '999', first, '2023-10-05'));
      expect(buildRow(body, '')[0]).toBe('Other events of build numbers no build has: 999');
    }
    // Installs count a tester: 410 had its installs in July, in the year's window only.
    const year = await page(`/dashboard/apps/${APP}/builds?period=P365D`);
    expect(buildRow(year.body, '410').slice(2, 4)).toEqual(['50', '0']);
    expect(year.body).toContain('data-period="P365D" aria-current="page"');
    // A heading per pre-release version; the build without one says so.
    expect(builds.body.match(/<tr class="version">.*?<\/tr>/g)).toEqual([
      '<tr class="version"><th scope="rowgroup" colspan="7">Without a version</th></tr>',
      '<tr class="version"><th scope="rowgroup" colspan="7">Version 1.5</th></tr>',
      '<tr class="version"><th scope="rowgroup" colspan="7">Version 1.4</th></tr>',
    ]);
    expect(builds.body).toContain('<title>Builds · Nightjar &lt;beta&gt; · beta-metrics</title>');
  });

  it('folds away the older builds without events in the period', async () => {
    const appId = '3333333333';
    await harness.store.createApp({
      id: appId,
      name: 'Many builds',
      bundleId: 'com.example.many',
      sku: appId,
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
    await harness.store.addTestersToApps([
      { appId, testerId: testerId(0), state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
    ]);
    for (let n = 1; n <= 8; n++)
      await harness.store.createBuild({
        id: `m${n}`,
        appId,
        version: String(n),
        uploadedAt: `2023-0${n}-01T00:00:00.000Z`,
      });
    const at = '2023-10-01T08:00:00.000Z';
    await harness.store.appendUsageEvents([
      {
        id: 'm-1',
        appId,
        testerId: testerId(0),
        type: 'session',
        occurredAt: at,
        receivedAt: at,
        build: '4',
      },
    ]);
    const numbers = (html: string) => [...html.matchAll(/<tr data-build="([^"]*)"/g)].map((m) => m[1]);
    const builds = (await page(`/dashboard/apps/${appId}/builds`)).body;
    const [recent = '', older = ''] = builds.split('<details class="older-builds">');
    // Down to build 4, used in the period; 3 to 1 fold away, still listed.
    expect(numbers(recent)).toEqual(['8', '7', '6', '5', '4']);
    expect(numbers(older)).toEqual(['3', '2', '1']);
    expect(older).toContain('<summary>3 older builds, without events in these days</summary>');
    expect(buildRow(builds, '4').slice(2, 4)).toEqual(['1', '1']);
  });

  it('lists groups, internal first, with their testers, and escapes their names', async () => {
    const groups = await page(`/dashboard/apps/${APP}/groups?period=P7D`);
    expect(groups.statusCode).toBe(200);
    expect([...groups.body.matchAll(/<tr data-group="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'g-int',
      'g-empty',
      'g-pub',
    ]);
    expect(groups.body).toContain('Internal &lt;team&gt;</a>');
    expect(groups.body).not.toContain('Internal <team>');
    expect(groups.body).toContain(`href="/dashboard/apps/${APP}/groups/g-pub?period=P7D"`);
    const pub = /<tr data-group="g-pub">([\s\S]*?)<\/tr>/.exec(groups.body)?.[1] ?? '';
    expect(pub).toContain('<td>External</td>');
    expect(pub).toContain('<td>On</td>');
    expect(pub).toContain('<td class="num">55</td>');
  });

  it("shows a group's testers in the app's tester table, sorted and paged within the group", async () => {
    const group = await page(`/dashboard/apps/${APP}/groups/g-pub`);
    expect(group.statusCode).toBe(200);
    expect(group.body).toContain('<h1>Public Beta</h1>');
    expect(group.body).toContain('External group · public link on · 55 testers');
    expect(group.body).toContain(`data-app-path="/dashboard/apps/${APP}/groups/g-pub"`);
    expect(group.body).toContain('Testers 1–50 of 55');
    expect(group.body).toContain(
      `href="/dashboard/apps/${APP}/groups/g-pub?page=2" data-table-link rel="next"`,
    );
    const ids = [
      ...rowIds(group.body),
      ...rowIds((await page(`/dashboard/apps/${APP}/groups/g-pub?page=2`)).body),
    ];
    expect(ids.sort()).toEqual(Array.from({ length: 55 }, (_, n) => testerId(n + 5)).sort());
    // The app's table has the same numbers for them; the group's rows add the button that takes them out.
    const row = (body: string, id: string) =>
      new RegExp(`<tr data-tester="${id}">[\\s\\S]*?</tr>`)
        .exec(body)?.[0]
        .replace(/\s*<td class="actions">[\s\S]*?<\/td>/, '');
    const app = await page(`/dashboard/apps/${APP}?q=tester12%40`);
    expect(row(group.body, testerId(12)) ?? 'missing').toBe(row(app.body, testerId(12)));
    const internal = await page(`/dashboard/apps/${APP}/groups/g-int?sort=name&dir=asc`);
    expect(rowIds(internal.body)).toEqual([testerId(0), testerId(1), testerId(2)]);
    expect(internal.body).toContain('&lt;i&gt;Ivy&lt;/i&gt; Last0');
    expect(internal.body).toContain('Internal group · 3 testers');
  });

  it('answers a group’s table alone for the script, and the page when opened as one', async () => {
    const fragment = await page(`/dashboard/apps/${APP}/groups/g-pub/testers?q=tester7&sort=email&dir=asc`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).not.toContain('<html');
    expect(rowIds(fragment.body)).toEqual([testerId(7)]);
    const navigated = await page(`/dashboard/apps/${APP}/groups/g-pub/testers?page=2`, {
      'sec-fetch-mode': 'navigate',
    });
    expect(navigated.statusCode).toBe(303);
    expect(navigated.headers.location).toBe(`/dashboard/apps/${APP}/groups/g-pub?page=2`);
  });

  it('says what to do when there are no builds, no groups, or nobody in a group', async () => {
    const builds = await page(`/dashboard/apps/${BARE_APP}/builds`);
    expect(builds.statusCode).toBe(200);
    expect(builds.body).toContain('<strong>No builds yet:</strong> builds appear when events name them');
    expect(builds.body).toContain('<code>beta-metrics builds create</code>');
    const groups = await page(`/dashboard/apps/${BARE_APP}/groups`);
    expect(groups.body).toContain('<strong>No beta groups yet:</strong>');
    const empty = await page(`/dashboard/apps/${APP}/groups/g-empty`);
    expect(empty.body).toContain('This group has no testers of the app yet.');
  });
});

describe('400', () => {
  it('says what is wrong with an address', async () => {
    for (const url of [
      `/dashboard/apps/${APP}/builds?period=P8D`,
      `/dashboard/apps/${APP}/groups?period=P8D`,
      `/dashboard/apps/${APP}/groups/g-pub?sort=bogus`,
    ]) {
      const answer = await page(url);
      expect(answer.statusCode, url).toBe(400);
      expect(answer.body).toContain('This address asks for something odd');
    }
  });
});

describe('404', () => {
  it('answers pages for apps and groups that do not exist', async () => {
    for (const [url, says] of [
      ['/dashboard/apps/9999999999/builds', 'No such app'],
      ['/dashboard/apps/9999999999/groups', 'No such app'],
      ['/dashboard/apps/9999999999/groups/g-pub', 'No such group'],
      [`/dashboard/apps/${BARE_APP}/groups/g-pub`, 'No such group'],
      [`/dashboard/apps/${APP}/groups/%3Cb%3E/testers`, 'No such group'],
    ] as const) {
      const answer = await page(url);
      expect(answer.statusCode, url).toBe(404);
      expect(answer.body).toContain(says);
    }
    expect((await page(`/dashboard/apps/${APP}/groups/%3Cb%3E`)).body).toContain('<code>&lt;b&gt;</code>');
  });
});
