import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPage, signIn } from '../../test/support/dashboard.js';
import {
  ATTRIBUTE_COMMENT,
  CONTENT_SCREENSHOT,
  CRASH_LOG,
  INBOX_APP,
  OTHER_APP,
  SCRIPT_COMMENT,
  SUBMISSIONS,
  seedFeedbackInbox,
} from '../../test/support/feedback-inbox.js';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { escapeHtml } from './html.js';

// An app's feedback inbox and its crash logs: order, texts, filters, paging, escaping, the download's headers,
// and what another app's or an unknown submission answers.

const BIG_APP = '300';
const BIG = 53;

let harness: Harness;
let cookie: string;
const inbox = (query = '', app = INBOX_APP) =>
  getPage(harness, `/dashboard/apps/${app}/feedback${query}`, cookie);
/** The submissions a page lists, in its order, as `kind id`. */
const listed = (body: string) =>
  [...body.matchAll(/<article class="feedback" data-kind="(\w+)" data-submission="([^"]+)"/g)].map(
    ([, kind, id]) => `${kind} ${id}`,
  );

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedFeedbackInbox(harness, (path) => `${harness.baseUrl}${path}`);
  await harness.services.apps.create({
    id: BIG_APP,
    name: 'Big',
    bundleId: 'com.example.big',
    sku: 'big',
    primaryLocale: 'en-US',
  });
  // Many at the same instant: the page boundary falls inside a tie of dates.
  for (let i = 0; i < BIG; i++)
    await harness.services.feedback.createScreenshot({
      appId: BIG_APP,
      id: `s${String(i).padStart(3, '0')}`,
      createdDate: i < 40 ? '2023-10-01T00:00:00Z' : `2023-10-02T00:00:${String(i).padStart(2, '0')}Z`,
      comment: `number ${i}`,
    });
  cookie = await signIn(harness);
});
afterAll(() => harness?.close());

describe('200', () => {
  it('lists every submission of the app, newest first, with its build, tester, comment and device', async () => {
    const page = await inbox();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(listed(page.body)).toEqual([
      `screenshot ${SUBMISSIONS.newest}`,
      `crash ${SUBMISSIONS.crash}`,
      `screenshot ${SUBMISSIONS.oldest}`,
    ]);
    const crash = articleOf(page.body, SUBMISSIONS.crash);
    expect(crash).toContain('<time datetime="2023-10-02T10:30:00.000Z">2 Oct 2023, 10:30 UTC</time>');
    expect(crash).toContain('>1.5 (412) · iOS</a>');
    expect(crash).toContain('>Ada Lovelace</a> <span class="email">ada@example.com</span>');
    for (const [label, value] of [
      ['Device', 'iPhone15,2 (iPhone)'],
      ['OS', 'iOS 17.0.3'],
      ['Locale', 'en_GB'],
      ['Time zone', 'Europe/London'],
      ['Battery', '82%'],
      ['Connection', 'Wi-Fi'],
      ['Screen', '393 × 852 pt'],
      ['Disk', '12 GB free of 128 GB'],
      ['App uptime', '1 h 2 min'],
      ['Architecture', 'arm64e'],
      ['Paired Apple Watch', 'Apple Watch Series 9 &lt;41mm&gt;'],
      ['Bundle id', '<code>com.example.nightjar</code>'],
    ])
      expect(crash).toContain(`<dt>${label}</dt><dd>${value}</dd>`);
    // The app's platform is the device's: said once.
    expect(crash).not.toContain('App platform');
    const oldest = articleOf(page.body, SUBMISSIONS.oldest);
    expect(oldest).toContain('>411</a>');
    // A tester without a name goes by their email.
    expect(oldest).toContain(`data-filter="tester" title="Only this tester's feedback">bo@example.com</a>`);
    expect(oldest).toContain('<dt>Device</dt><dd>iPad13,4 (iPad)</dd>');
    expect(articleOf(page.body, SUBMISSIONS.newest)).toContain('<dt>Connection</dt><dd>Cellular</dd>');
  });

  it('shows comments, device texts and crash logs as text, never as markup', async () => {
    const { body } = await inbox();
    expect(body).toContain(`<p class="comment">${escapeHtml(SCRIPT_COMMENT)}</p>`);
    expect(body).toContain(`<p class="comment">${escapeHtml(ATTRIBUTE_COMMENT)}</p>`);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('onerror=alert(1)>');
    expect(body).toContain('Exception Type: &lt;b&gt;EXC_CRASH&lt;/b&gt; &amp; &quot;SIGABRT&quot;');
    expect(body).not.toContain('<b>EXC_CRASH');
  });

  it("shows a crash log's first lines and links its download", async () => {
    const crash = articleOf((await inbox()).body, SUBMISSIONS.crash);
    const pre = /<pre[^>]*>([^<]*)<\/pre>/.exec(crash)?.[1];
    expect(pre).toBe(escapeHtml(CRASH_LOG.split('\n').slice(0, 20).join('\n')));
    expect(crash).toContain(
      `<a href="/dashboard/apps/${INBOX_APP}/feedback/${SUBMISSIONS.crash}/crash-log" download>Download log</a>`,
    );
    expect(crash).toContain('its first 20 lines');
  });

  it("shows stored screenshots by their signed paths, the server's own by path, and links others without loading them", async () => {
    const { body } = await inbox();
    const newest = articleOf(body, SUBMISSIONS.newest);
    // Content: the signed original opens, its JPEG rendition shows; both paths of this origin (img-src 'self').
    const sha = createHash('sha256').update(CONTENT_SCREENSHOT).digest('hex');
    const signed = `expires=\\d+&amp;signature=[0-9a-f]{64}`;
    const content = new RegExp(
      `<a href="(/content/v1/screenshots/${INBOX_APP}/${sha}/390x844bb\\.png\\?${signed})" target="_blank" rel="noopener noreferrer" title="Open the full image"><img src="(/content/v1/screenshots/${INBOX_APP}/${sha}/320x320bb\\.jpg\\?${signed})" width="92" height="200" alt="Screenshot 1 of 2, 390 × 844" loading="lazy"></a>`,
    ).exec(newest);
    expect(content, newest).not.toBeNull();
    const [, full = '', thumbnail = ''] = content ?? [];
    // Each answers without the session, as the browser loads them.
    const original = await harness.app.inject({ method: 'GET', url: full.replaceAll('&amp;', '&') });
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(CONTENT_SCREENSHOT)).toBe(true);
    const small = await harness.app.inject({ method: 'GET', url: thumbnail.replaceAll('&amp;', '&') });
    expect(small.statusCode).toBe(200);
    expect(await sharp(small.rawPayload).metadata()).toMatchObject({
      format: 'jpeg',
      width: 148,
      height: 320,
    });

    expect(newest).toContain(
      '<a href="https://example.invalid/screenshots/elsewhere.png" target="_blank" rel="noopener noreferrer" title="Open the full image"><span class="shot-elsewhere"><span>Screenshot 2 of 2</span><small>1179 × 2556</small><small>on example.invalid ↗</small></span></a>',
    );
    expect(body).not.toContain('<img src="https://example.invalid');
    // Given by URL on this server's own host: shown by path.
    expect(articleOf(body, SUBMISSIONS.oldest)).toContain(
      `<a href="${harness.baseUrl}/dashboard/assets/old.png" target="_blank" rel="noopener noreferrer" title="Open the full image"><img src="/dashboard/assets/old.png" width="150" height="200" alt="Screenshot 1 of 1, 2048 × 2732" loading="lazy"></a>`,
    );
  });

  it("is one of the app's sections, and keeps the dashboard's Content-Security-Policy", async () => {
    const app = await getPage(harness, `/dashboard/apps/${INBOX_APP}`, cookie);
    expect(app.body).toContain(
      `<a href="/dashboard/apps/${INBOX_APP}/feedback" data-section="feedback">Feedback</a>`,
    );
    const page = await inbox();
    expect(page.body).toContain('data-section="feedback" aria-current="page">Feedback</a>');
    expect(page.headers['content-security-policy']).toBe(app.headers['content-security-policy']);
    expect(page.headers['content-security-policy']).toContain("img-src 'self';");
  });

  it('filters by kind, build and tester, alone and together; the filters keep each other', async () => {
    const cases: Array<[string, string[]]> = [
      ['?type=crash', [`crash ${SUBMISSIONS.crash}`]],
      ['?type=screenshot', [`screenshot ${SUBMISSIONS.newest}`, `screenshot ${SUBMISSIONS.oldest}`]],
      ['?build=b412', [`screenshot ${SUBMISSIONS.newest}`, `crash ${SUBMISSIONS.crash}`]],
      ['?tester=t2', [`screenshot ${SUBMISSIONS.oldest}`]],
      ['?type=screenshot&build=b412&tester=t1', [`screenshot ${SUBMISSIONS.newest}`]],
      ['?type=crash&build=b411', []],
      // The build form's "All builds" sends an empty value.
      ['?type=crash&build=', [`crash ${SUBMISSIONS.crash}`]],
    ];
    for (const [query, want] of cases) {
      const page = await inbox(query);
      expect(page.statusCode, query).toBe(200);
      expect(listed(page.body), query).toEqual(want);
    }
    const page = await inbox('?type=screenshot&tester=t1');
    expect(page.body).toContain('data-kind-filter="screenshot" aria-current="page">Screenshots</a>');
    expect(page.body).toContain(
      `href="/dashboard/apps/${INBOX_APP}/feedback?type=crash&amp;tester=t1" data-kind-filter="crash"`,
    );
    expect(page.body).toContain('<input type="hidden" name="tester" value="t1">');
    expect(page.body).toContain('From <strong>Ada Lovelace</strong>');
    expect(page.body).toContain(
      `<a href="/dashboard/apps/${INBOX_APP}/feedback?type=screenshot">every tester</a>`,
    );
    // Build links filter on the build, keeping the kind.
    expect(page.body).toContain(
      `href="/dashboard/apps/${INBOX_APP}/feedback?type=screenshot&amp;build=b412&amp;tester=t1" data-filter="build"`,
    );
    expect((await inbox('?build=b411')).body).toContain('<option value="b411" selected>411</option>');
    expect((await inbox('?type=crash&build=b411')).body).toContain('No feedback matches these filters.');
  });

  it('pages a big inbox 50 at a time, each submission once, with links both ways', async () => {
    const first = await inbox('', BIG_APP);
    const firstIds = listed(first.body);
    expect(firstIds).toHaveLength(50);
    const older = /<a href="([^"]+)" rel="next">Older ›<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(
      /^\/dashboard\/apps\/300\/feedback\?before=2023-10-01T00%3A00%3A00.000Z%7Escreenshot%7Es003$/,
    );
    const second = await getPage(harness, older ?? '', cookie);
    expect(second.statusCode).toBe(200);
    const secondIds = listed(second.body);
    expect(secondIds).toHaveLength(BIG - 50);
    expect(second.body).not.toContain('rel="next"');
    expect(second.body).toContain('« Newest</a>');
    const want = Array.from({ length: BIG }, (_, i) => i)
      .sort((a, b) => {
        const date = (i: number) => (i < 40 ? 0 : i);
        return date(b) - date(a) || b - a;
      })
      .map((i) => `screenshot s${String(i).padStart(3, '0')}`);
    expect([...firstIds, ...secondIds]).toEqual(want);
  });

  it('says what to do when the app has no feedback yet', async () => {
    expect((await inbox('', OTHER_APP)).body).not.toContain('No feedback yet');
    await harness.services.apps.create({
      id: '400',
      name: 'Empty',
      bundleId: 'com.example.empty',
      sku: 'empty',
      primaryLocale: 'en-US',
    });
    expect((await inbox('', '400')).body).toContain('No feedback yet.');
  });
});

describe('crash log download', () => {
  const download = (app: string, id: string, withCookie = true) =>
    getPage(harness, `/dashboard/apps/${app}/feedback/${id}/crash-log`, withCookie ? cookie : undefined);

  it('answers the whole log as a text file to save', async () => {
    const answer = await download(INBOX_APP, SUBMISSIONS.crash);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      `attachment; filename="crash-${SUBMISSIONS.crash}.txt"`,
    );
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toBe(CRASH_LOG);
  });

  it("404s another app's crash, a screenshot submission and an unknown id, saying nothing of them", async () => {
    for (const [app, id] of [
      [INBOX_APP, SUBMISSIONS.otherAppCrash],
      [OTHER_APP, SUBMISSIONS.crash],
      [INBOX_APP, SUBMISSIONS.newest],
      [INBOX_APP, 'nope'],
      ['999', SUBMISSIONS.crash],
    ] as const) {
      const answer = await download(app, id);
      expect(answer.statusCode, `${app} ${id}`).toBe(404);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('No such crash log');
      expect(answer.body).not.toContain('the other app');
      expect(answer.headers['content-disposition']).toBeUndefined();
    }
  });

  it('asks to sign in without a session', async () => {
    const answer = await download(INBOX_APP, SUBMISSIONS.crash, false);
    expect(answer.statusCode).toBe(401);
    expect(answer.body).not.toContain('Thread 0');
  });
});

describe('400 and 404', () => {
  it('refuses a filter that is not one, with the dashboard page that says why', async () => {
    for (const [query, says] of [
      ['?type=video', "'video' is not a kind of feedback: choose screenshot or crash."],
      ['?type=crash&type=screenshot', "Give 'type' once."],
      ['?build=%3Cb%3E', "'<b>' is not a build id."],
      ['?build=x410', `App ${INBOX_APP} has no build with id 'x410'.`],
      ['?tester=nobody', "There is no tester with id 'nobody'."],
      ['?tester=a%20b', "'a b' is not a tester id."],
      ['?before=yesterday', 'is not a place in the inbox'],
      ['?before=2023-10-01T00%3A00%3A00.000Z~video~s1', 'is not a place in the inbox'],
    ] as const) {
      const page = await inbox(query);
      expect(page.statusCode, query).toBe(400);
      expect(page.body, query).toContain('This address asks for something odd');
      expect(page.body, query).toContain(escapeHtml(says));
    }
  });

  it('404s an unknown app', async () => {
    const page = await inbox('', '999');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('No such app');
  });
});

/** The article of submission `id` in a page. */
function articleOf(body: string, id: string): string {
  const start = body.indexOf(`data-submission="${id}"`);
  if (start < 0) throw new Error(`no submission ${id} on the page`);
  return body.slice(start, body.indexOf('</article>', start));
}
