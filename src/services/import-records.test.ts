import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { usagePages } from '../../test/support/usage-pages.js';
import { IMPORT_BATCH_SIZE, type ImportOptions, importRecords } from './import-records.js';

const APP = '1000000001';
const event = (id: string, type: string, testerId: string, timestamp: string) =>
  JSON.stringify({ id, type, appId: APP, testerId, timestamp });

/** An app, two testers, events with a duplicate and four bad lines (7, 9, 10, 11). */
const FIXTURE = [
  `{"kind":"app","id":"${APP}","name":"Fixture","bundleId":"com.example.fixture"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-a","email":"a@example.com","firstName":"Ada"}`,
  `{"kind":"tester","appId":"${APP}","id":"tester-b","email":"b@example.com"}`,
  '',
  event('ev-1', 'install', 'tester-a', '2023-10-01T10:00:00Z'),
  `{"kind":"event",${event('ev-2', 'session', 'tester-a', '2023-10-02T10:00:00Z').slice(1)}`,
  event('ev-3', 'swipe', 'tester-a', '2023-10-02T11:00:00Z'),
  event('ev-2', 'session', 'tester-a', '2023-10-02T10:00:00Z'),
  'not json',
  event('ev-4', 'crash', 'nobody', '2023-10-02T12:00:00Z'),
  `{"kind":"tester","appId":"${APP}","email":"not-an-email"}`,
  event('ev-5', 'session', 'tester-b', '2023-10-03T08:00:00+02:00'),
  event('ev-6', 'feedback', 'tester-b', '2023-10-04T09:30:00Z'),
];

async function* linesOf(lines: Iterable<string>): AsyncGenerator<string> {
  yield* lines;
}

describe('importRecords', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  const run = (lines: Iterable<string>, options?: ImportOptions) =>
    importRecords(harness.store, harness.services, linesOf(lines), options);
  const weekOf = async () => (await usagePages(harness.services, APP, 'P7D')).flatMap((page) => page.rows);

  it('creates apps and testers, writes events, and reports each rejected line by number', async () => {
    const summary = await run(FIXTURE);
    expect(summary).toEqual({
      linesRead: 13,
      apps: { created: 1, existing: 0, rejected: 0 },
      testers: { added: 2, existing: 0, rejected: 1 },
      preReleaseVersions: { created: 0, existing: 0, rejected: 0 },
      builds: { created: 0, existing: 0, rejected: 0 },
      groups: { created: 0, existing: 0, rejected: 0 },
      screenshotFeedback: { created: 0, existing: 0, rejected: 0 },
      crashFeedback: { created: 0, existing: 0, rejected: 0 },
      screenshotContent: { created: 0, existing: 0, rejected: 0 },
      events: { accepted: 4, duplicates: 1, rejected: 3 },
      rejected: 4,
      rejectedLines: [
        {
          line: 7,
          reason:
            "type: 'swipe' is not an event type; use one of install, session, crash, feedback, publicLinkView, publicLinkAccept, publicLinkDecline, publicLinkCriteriaNotMet",
        },
        { line: 9, reason: expect.stringMatching(/^not JSON \(/) },
        {
          line: 10,
          reason:
            "testerId: There is no tester 'nobody' in app '1000000001'; add them with 'beta-metrics testers add'",
        },
        { line: 11, reason: "'not-an-email' is not an email address" },
      ],
    });
    expect(await harness.store.findApp(APP)).toMatchObject({ name: 'Fixture', sku: 'com.example.fixture' });
    expect(await harness.store.findTester('tester-a')).toMatchObject({
      email: 'a@example.com',
      firstName: 'Ada',
      apps: [{ appId: APP, state: 'INSTALLED' }],
    });
    expect(await weekOf()).toEqual([
      { testerId: 'tester-a', values: { crashCount: 0, sessionCount: 1, feedbackCount: 0 } },
      { testerId: 'tester-b', values: { crashCount: 0, sessionCount: 1, feedbackCount: 1 } },
    ]);
  });

  it('counts rejected events in the ingestion stats of the existing app they name, as HTTP does', async () => {
    await run([...FIXTURE, event('ev-7', 'session', 'tester-a', 'yesterday').replace(APP, '999')]);
    const stats = await harness.services.ingestion.stats();
    expect(stats.map((app) => app.appId)).toEqual([APP]);
    expect(stats[0]).toMatchObject({ accepted: 4, duplicates: 1, rejected: 2 });
    expect(stats[0]?.reasons.map((reason) => reason.reason).sort()).toEqual([
      'ENTITY_ERROR.ATTRIBUTE.INVALID type',
      'ENTITY_ERROR.RELATIONSHIP.INVALID testerId',
    ]);
  });

  it('rejects lines with text no store can keep by number, on every store, and imports the others', async () => {
    // Written as export writes them (JSON escapes), as an old SQLite store's export of such rows would read.
    const summary = await run([
      ...FIXTURE,
      '{"kind":"app","id":"2","name":"Bad\\u0000app","bundleId":"com.example.bad"}',
      '{"kind":"app","id":"bad\\u0000id","name":"Bad id","bundleId":"com.example.badid"}',
      `{"kind":"tester","appId":"${APP}","email":"nul\\u0000@example.com"}`,
      `{"kind":"tester","appId":"${APP}","email":"c@example.com","lastName":"\\ud800"}`,
      `{"kind":"tester","appId":"bad\\u0000app","email":"d@example.com"}`,
      event('ev-7', 'session', 'tester-a', '2023-10-04T10:00:00Z').replace('}', ',"build":"a\\u0000b"}'),
      event('ev-8', 'session', 'tester-a', '2023-10-04T10:00:00Z').replace('}', ',"device":"\\udc00"}'),
      event('ev-9', 'session', 'tester-a', '2023-10-04T10:00:00Z').replace(APP, 'a\\u0000'),
      // Any storable text names a build, once the app has it.
      `{"kind":"build","id":"b-emoji","appId":"${APP}","version":"😀"}`,
      event('ev-10', 'crash', 'tester-a', '2023-10-04T11:00:00Z').replace('}', ',"build":"😀"}'),
    ]);
    const reasons = summary.rejectedLines.slice(4);
    expect(reasons).toEqual([
      { line: 14, reason: "'name' contains the NUL character (U+0000), which text may not contain" },
      { line: 15, reason: "'id' contains the NUL character (U+0000), which text may not contain" },
      { line: 16, reason: "'email' contains the NUL character (U+0000), which text may not contain" },
      {
        line: 17,
        reason:
          "'lastName' contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), so it is not well-formed Unicode text",
      },
      { line: 18, reason: "'appId' contains the NUL character (U+0000), which text may not contain" },
      { line: 19, reason: "build: 'build' contains the NUL character (U+0000), which text may not contain" },
      {
        line: 20,
        reason:
          "device: 'device' contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), so it is not well-formed Unicode text",
      },
      { line: 21, reason: "appId: 'appId' contains the NUL character (U+0000), which text may not contain" },
    ]);
    expect(summary).toMatchObject({
      apps: { created: 1, rejected: 2 },
      testers: { added: 2, rejected: 4 },
      builds: { created: 1 },
      events: { accepted: 5, duplicates: 1, rejected: 6 },
    });
    expect(
      (await harness.store.listUsageEvents(APP, undefined, 10)).map((e) => [e.id, e.build]),
    ).toContainEqual(['ev-10', '😀']);
    expect(await harness.store.findApp('2')).toBeUndefined();
  });

  it('importing the same lines again finds everything there and changes nothing', async () => {
    await run(FIXTURE);
    const before = await weekOf();
    const again = await run(FIXTURE);
    expect(again).toMatchObject({
      apps: { created: 0, existing: 1, rejected: 0 },
      testers: { added: 0, existing: 2, rejected: 1 },
      events: { accepted: 0, duplicates: 5, rejected: 3 },
      rejected: 4,
    });
    expect(await weekOf()).toEqual(before);
  });

  it('with strict, stops at the first rejected line: the lines before it are in, nothing after it', async () => {
    const summary = await run(
      [...FIXTURE, `{"kind":"app","id":"2","name":"Later","bundleId":"com.example.l"}`],
      {
        strict: true,
      },
    );
    expect(summary).toMatchObject({
      apps: { created: 1, existing: 0, rejected: 0 },
      testers: { added: 2, existing: 0, rejected: 0 },
      events: { accepted: 2, duplicates: 0, rejected: 1 },
      rejected: 1,
      rejectedLines: [{ line: 7 }],
      stoppedAtLine: 7,
    });
    expect((await harness.store.listUsageEvents(APP, undefined, 10)).map((e) => e.id)).toEqual([
      'ev-1',
      'ev-2',
    ]);
    expect(await harness.store.findApp('2')).toBeUndefined();
  });

  it('with strict, a rejected app line stops the import too', async () => {
    const summary = await run(
      [
        `{"kind":"app","id":"1","name":"First","bundleId":"com.example.first"}`,
        `{"kind":"app","id":"2","name":"Bad","bundleId":"nodots"}`,
        `{"kind":"app","id":"3","name":"Third","bundleId":"com.example.third"}`,
      ],
      { strict: true },
    );
    expect(summary).toMatchObject({ apps: { created: 1, rejected: 1 }, stoppedAtLine: 2 });
    expect(summary.rejectedLines[0]?.reason).toMatch(/'nodots' is not a bundle id/);
    expect(await harness.store.findApp('3')).toBeUndefined();
  });

  it('applies lines in input order: an event before its tester line is refused', async () => {
    const summary = await run([
      FIXTURE[0] ?? '',
      event('early', 'install', 'tester-a', '2023-10-01T10:00:00Z'),
      FIXTURE[1] ?? '',
      event('late', 'install', 'tester-a', '2023-10-01T10:00:00Z'),
    ]);
    expect(summary.events).toEqual({ accepted: 1, duplicates: 0, rejected: 1 });
    expect(summary.rejectedLines.map((rejected) => rejected.line)).toEqual([2]);
  });

  it('finds a tester already in the app by email, and refuses one whose id has another email', async () => {
    await run(FIXTURE.slice(0, 3));
    const summary = await run([
      `{"kind":"tester","appId":"${APP}","email":"A@Example.com"}`,
      `{"kind":"tester","appId":"${APP}","id":"tester-b","email":"someone-else@example.com"}`,
    ]);
    expect(summary.testers).toEqual({ added: 0, existing: 1, rejected: 1 });
    expect(summary.rejectedLines).toEqual([
      {
        line: 2,
        reason: `tester tester-b of app ${APP} has the email b@example.com, not someone-else@example.com`,
      },
    ]);
  });

  it('lists the first 20 rejected lines and counts the rest', async () => {
    const bad = Array.from({ length: 25 }, (_, i) => `bad line ${i}`);
    const summary = await run(['', ...bad]);
    expect(summary.rejected).toBe(25);
    expect(summary.events.rejected).toBe(25);
    expect(summary.rejectedLines.map((rejected) => rejected.line)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
  });

  it('writes each batch of 1,000 events before reading further, reporting progress per batch', async () => {
    const progress: number[] = [];
    let acceptedWhenLine1003WasRead: number | undefined;
    const store = harness.store;
    async function* lines() {
      yield FIXTURE[0] ?? '';
      yield FIXTURE[1] ?? '';
      for (let n = 3; n <= 2500; n++) {
        if (n === 1003) acceptedWhenLine1003WasRead = (await store.ingestStats())[0]?.accepted;
        const minute = String(n % 60).padStart(2, '0');
        yield event(`ev-${n}`, 'session', 'tester-a', `2023-10-01T10:${minute}:00Z`);
      }
    }
    const summary = await importRecords(harness.store, harness.services, lines(), {
      onProgress: (linesRead) => progress.push(linesRead),
    });
    expect(summary.events).toEqual({ accepted: 2498, duplicates: 0, rejected: 0 });
    expect(acceptedWhenLine1003WasRead).toBe(IMPORT_BATCH_SIZE);
    expect(progress).toEqual([1000, 2000, 2500]);
  });

  it('with strict, reads no further than the batch holding the rejected line', async () => {
    let read = 0;
    async function* endless() {
      yield FIXTURE[0] ?? '';
      yield FIXTURE[1] ?? '';
      for (let n = 1; n <= 10_000; n++) {
        read = n;
        yield n === 1500
          ? event(`ev-${n}`, 'swipe', 'tester-a', '2023-10-01T10:00:00Z')
          : event(`ev-${n}`, 'session', 'tester-a', '2023-10-01T10:00:00Z');
      }
    }
    const summary = await importRecords(harness.store, harness.services, endless(), { strict: true });
    expect(summary.stoppedAtLine).toBe(1502);
    expect(summary.events).toEqual({ accepted: 1499, duplicates: 0, rejected: 1 });
    expect(read).toBe(2 * IMPORT_BATCH_SIZE);
  });

  it('counts every line for its number, blank ones too, and ignores a byte order mark', async () => {
    const summary = await run([`\uFEFF${FIXTURE[0]}`, '', '   ', '{}']);
    expect(summary.apps.created).toBe(1);
    expect(summary.rejectedLines.map((rejected) => rejected.line)).toEqual([4]);
    expect(summary.rejectedLines[0]?.reason).toMatch(/^id: You must provide a value/);
  });
});
