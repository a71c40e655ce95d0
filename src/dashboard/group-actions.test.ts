import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsageItem } from '../../test/support/api-responses.js';
import { formHeaders, getPage, signIn } from '../../test/support/dashboard.js';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';

// The group page's changes (dashboard/group-action-routes.ts): inviting a tester into the group and taking one
// out, through the services the API's writes call. App 100 has testers t1 (in group g1, with usage) and t2 (not
// in it, with usage); app 200 has group g2.

const NOW = '2023-10-05T12:00:00.000Z';
const GROUP_PAGE = '/dashboard/apps/100/groups/g1';
let harness: Harness;
let cookie: string;

beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: NOW, reportTime: NOW });
  await seedApp(harness.store, '100', [
    { id: 't1', sessions: 2 },
    { id: 't2', sessions: 1 },
  ]);
  await seedApp(harness.store, '200', []);
  await harness.services.betaGroups.create({ appId: '100', name: 'Crew', id: 'g1', testerIds: ['t1'] });
  await harness.services.betaGroups.create({ appId: '200', name: 'Other', id: 'g2' });
  cookie = await signIn(harness);
});
afterEach(() => harness.close());

const post = (url: string, form: Record<string, string>, headers = formHeaders(harness)) =>
  harness.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, cookie },
    payload: new URLSearchParams(form).toString(),
  });
const groupMembers = async (groupId = 'g1') =>
  (await harness.services.betaGroups.list('100')).find((group) => group.id === groupId)?.testerIds ?? [];
/** The testers the group's usage metrics list (the API's betaGroups_betaTesterUsages_getMetrics). */
const groupMetricTesters = async () => {
  const response = await harness.get('/v1/betaGroups/g1/metrics/betaTesterUsages?groupBy=betaTesters');
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ data: UsageItem[] }>()
    .data.map((item) => item.dimensions.betaTesters.data.id)
    .sort();
};
const testerByEmail = async (email: string) =>
  (await harness.services.betaTesters.list({ emails: [email], limit: 1, scope: 'test' })).rows[0];

describe('303', () => {
  it('invites a new tester into the group: on the page, in the group, INVITED by email, in its metrics', async () => {
    const invited = await post(`${GROUP_PAGE}/invite?period=P7D`, {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(invited.statusCode, invited.body).toBe(303);
    expect(invited.headers.location).toBe(`${GROUP_PAGE}?period=P7D`);
    const tester = await testerByEmail('ada@example.com');
    expect(tester).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', inviteType: 'EMAIL' });
    expect(tester?.apps).toEqual([{ appId: '100', state: 'INVITED' }]);
    const id = tester?.id ?? 'missing';
    expect(await groupMembers()).toEqual(expect.arrayContaining(['t1', id]));

    const page = await getPage(harness, `${GROUP_PAGE}?period=P7D`, cookie);
    expect(page.body).toContain(`<tr data-tester="${id}">`);
    expect(page.body).toContain('ada@example.com');
    // The group's metrics count the newcomer's usage from their first session on.
    await harness.store.appendUsageEvents([
      {
        id: 'ada-1',
        appId: '100',
        testerId: id,
        type: 'session',
        occurredAt: '2023-10-04T10:00:00.000Z',
        receivedAt: '2023-10-04T10:00:00.000Z',
      },
    ]);
    expect(await groupMetricTesters()).toEqual([id, 't1'].sort());
  });

  it('adds an email already testing the app to the group instead, keeping the tester', async () => {
    expect(await groupMetricTesters()).toEqual(['t1']);
    const added = await post(`${GROUP_PAGE}/invite`, {
      email: 'T2@example.com',
      firstName: '',
      lastName: '',
    });
    expect(added.statusCode, added.body).toBe(303);
    expect([...(await groupMembers())].sort()).toEqual(['t1', 't2']);
    expect(await groupMetricTesters()).toEqual(['t1', 't2']);
    expect(await harness.store.countTesters({ emails: ['t2@example.com'] })).toBe(1);
  });

  it('takes a member out of the group with its row button; they stay in the app', async () => {
    const page = await getPage(harness, `${GROUP_PAGE}?sort=email&dir=asc`, cookie);
    const action = `${GROUP_PAGE}/remove?sort=email&amp;dir=asc`;
    expect(page.body).toContain(
      `<td class="actions"><form method="post" action="${action}"><input type="hidden" name="testerId" value="t1">`,
    );
    const removed = await post(`${GROUP_PAGE}/remove?sort=email&dir=asc`, { testerId: 't1' });
    expect(removed.statusCode, removed.body).toBe(303);
    expect(removed.headers.location).toBe(`${GROUP_PAGE}?sort=email&dir=asc`);
    expect(await groupMembers()).toEqual([]);
    expect(await groupMetricTesters()).toEqual([]);
    expect((await harness.services.betaTesters.find('t1'))?.apps).toEqual([
      { appId: '100', state: 'INSTALLED' },
    ]);
    const after = await getPage(harness, GROUP_PAGE, cookie);
    expect(after.body).not.toContain('<tr data-tester="t1">');
    expect(after.body).toContain('This group has no testers of the app yet.');
  });
});

describe('400 and 409', () => {
  it('shows a refusal on the group page, escaped, with what was typed, and writes nothing', async () => {
    const bad = await post(`${GROUP_PAGE}/invite`, {
      email: '<script>alert(1)</script>@x',
      firstName: '<b>Ada</b>',
      lastName: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('text/html');
    expect(bad.body).toContain(
      '<p class="notice refusal" role="alert">&#39;&lt;script&gt;alert(1)&lt;/script&gt;@x&#39; is not an email address</p>',
    );
    expect(bad.body).not.toContain('<script>alert');
    expect(bad.body).toContain('value="&lt;b&gt;Ada&lt;/b&gt;"');
    expect(bad.body).toContain('<h1>Crew</h1>');
    expect(await harness.store.countTesters({})).toBe(2);

    const member = await post(`${GROUP_PAGE}/invite`, { email: 't1@example.com' });
    expect(member.statusCode).toBe(409);
    expect(member.body).toContain('Tester &#39;t1&#39; is already in beta group &#39;g1&#39;');

    const nobody = await post(`${GROUP_PAGE}/remove`, { testerId: 'nobody' });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.body).toContain('role="alert">There is no tester');
    expect(await groupMembers()).toEqual(['t1']);
  });
});

describe('403 and 404', () => {
  it('refuses a change sent from another site, or from nowhere said, and changes nothing', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const headers of [
      { ...form, origin: 'https://evil.example' },
      { ...form, origin: 'null' },
      { ...form, origin: harness.baseUrl, 'sec-fetch-site': 'cross-site' },
      form,
    ]) {
      const invite = await post(`${GROUP_PAGE}/invite`, { email: 'eve@example.com' }, headers);
      expect(invite.statusCode).toBe(403);
      expect(invite.body).toContain("Changes are made from the dashboard's own pages only");
      expect((await post(`${GROUP_PAGE}/remove`, { testerId: 't1' }, headers)).statusCode).toBe(403);
    }
    expect(await testerByEmail('eve@example.com')).toBeUndefined();
    expect(await groupMembers()).toEqual(['t1']);
  });

  it('asks for a session, and refuses a group of another app than the address says', async () => {
    const signedOut = await harness.app.inject({
      method: 'POST',
      url: `${GROUP_PAGE}/remove`,
      headers: formHeaders(harness),
      payload: 'testerId=t1',
    });
    expect(signedOut.statusCode).toBe(401);
    const elsewhere = await post('/dashboard/apps/100/groups/g2/invite', { email: 'eve@example.com' });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.body).toContain('App 100 has no beta group with id <code>g2</code>');
    expect(await testerByEmail('eve@example.com')).toBeUndefined();
    expect(await groupMembers()).toEqual(['t1']);
  });
});
