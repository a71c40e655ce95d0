import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { metricsOf } from '../../test/support/usage-pages.js';
import { noisePng } from '../../test/support/png-bytes.js';
import { eventSubmissionId } from '../domain/ids.js';
import { exportRecords } from './export-records.js';
import { importRecords } from './import-records.js';
import { InputError } from './input-error.js';

async function* linesOf(lines: Iterable<string>): AsyncGenerator<string> {
  yield* lines;
}

describe('exportRecords', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
    // App 100: testers t-b (installed, two sessions, a crash), t-a (installed on another day), t-c (invited).
    await seedApp(harness.store, '100', [
      { id: 't-b', sessions: 2, crashes: 1, day: '2023-10-03' },
      { id: 't-a', feedback: 1, day: '2023-09-20' },
      { id: 't-c', installed: false },
    ]);
    await seedApp(harness.store, '200', [{ id: 't-z', sessions: 1 }]);
    // The build the event below names: an import refuses an event naming a build the app does not have.
    await harness.store.createBuild({
      id: 'b42',
      appId: '100',
      version: '42',
      uploadedAt: '2023-09-01T00:00:00.000Z',
    });
    await harness.store.appendUsageEvents([
      {
        id: 'with-details',
        appId: '100',
        testerId: 't-a',
        type: 'session',
        occurredAt: '2023-10-03T10:00:00.000Z',
        build: '42',
        platform: 'IOS',
        device: 'iPhone14,5',
        osVersion: '17.0',
        receivedAt: '2023-10-03T10:00:01.000Z',
      },
    ]);
  });
  afterEach(() => harness.close());

  const exported = async (appId: string, pageSize?: number) => {
    const lines: string[] = [];
    const counts = await exportRecords(
      harness.store,
      appId,
      async (line) => {
        lines.push(line);
      },
      pageSize,
    );
    return { lines, counts };
  };

  it('writes the app, its testers by id, its builds, then its events in time order, paging through all', async () => {
    const { lines, counts } = await exported('100', 2);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.slice(0, 4)).toEqual([
      {
        kind: 'app',
        id: '100',
        name: 'App 100',
        bundleId: 'com.example.app100',
        sku: 'SKU100',
        primaryLocale: 'en-US',
      },
      {
        kind: 'tester',
        appId: '100',
        id: 't-a',
        email: 't-a@example.com',
        firstName: 'Test',
        lastName: 't-a',
      },
      {
        kind: 'tester',
        appId: '100',
        id: 't-b',
        email: 't-b@example.com',
        firstName: 'Test',
        lastName: 't-b',
      },
      {
        kind: 'tester',
        appId: '100',
        id: 't-c',
        email: 't-c@example.com',
        firstName: 'Test',
        lastName: 't-c',
      },
    ]);
    expect(records[4]).toEqual({
      kind: 'build',
      id: 'b42',
      appId: '100',
      version: '42',
      uploadedDate: '2023-09-01T00:00:00.000Z',
    });
    const events = records.slice(5);
    // Events of the same instant come in id order, across page boundaries (page size 2).
    expect(events.map((e) => [e.timestamp, e.id])).toEqual([
      ['2023-09-20T10:00:00.000Z', '100-t-a-feedback-0-2023-09-20T10:00:00.000Z'],
      ['2023-09-20T10:00:00.000Z', '100-t-a-install-0-2023-09-20T10:00:00.000Z'],
      ['2023-10-03T10:00:00.000Z', '100-t-b-crash-0-2023-10-03T10:00:00.000Z'],
      ['2023-10-03T10:00:00.000Z', '100-t-b-install-0-2023-10-03T10:00:00.000Z'],
      ['2023-10-03T10:00:00.000Z', '100-t-b-session-0-2023-10-03T10:00:00.000Z'],
      ['2023-10-03T10:00:00.000Z', '100-t-b-session-1-2023-10-03T10:00:00.000Z'],
      ['2023-10-03T10:00:00.000Z', 'with-details'],
    ]);
    expect(events[0]).toEqual({
      id: '100-t-a-feedback-0-2023-09-20T10:00:00.000Z',
      type: 'feedback',
      appId: '100',
      testerId: 't-a',
      timestamp: '2023-09-20T10:00:00.000Z',
    });
    expect(events.at(-1)).toEqual({
      id: 'with-details',
      type: 'session',
      appId: '100',
      testerId: 't-a',
      timestamp: '2023-10-03T10:00:00.000Z',
      build: '42',
      platform: 'IOS',
      device: 'iPhone14,5',
      osVersion: '17.0',
    });
    expect(counts).toEqual({
      testers: 3,
      preReleaseVersions: 0,
      builds: 1,
      groups: 0,
      screenshotFeedback: 0,
      crashFeedback: 0,
      screenshotContent: 0,
      events: 7,
    });
  });

  it('round-trips every TestFlight resource with every attribute, and a second import finds them all', async () => {
    const { services } = harness;
    await services.apps.update('100', {
      isOrEverWasMadeForKids: true,
      subscriptionStatusUrl: 'https://example.com/status',
      subscriptionStatusUrlVersion: 'V2',
      contentRightsDeclaration: 'DOES_NOT_USE_THIRD_PARTY_CONTENT',
      allowUnknownBuilds: true,
    });
    const version = await services.builds.createPreReleaseVersion({
      appId: '100',
      version: '1.5',
      id: 'v15',
    });
    await services.builds.create({
      appId: '100',
      id: 'b43',
      version: '43',
      uploadedDate: '2023-09-10T08:00:00Z',
      preReleaseVersionId: version.id,
      iconAssetToken: { templateUrl: 'https://example.invalid/{w}x{h}bb.{f}', width: 1024, height: 1024 },
      minOsVersion: '16.0',
      buildAudienceType: 'APP_STORE_ELIGIBLE',
      usesNonExemptEncryption: false,
      autoNotifyEnabled: true,
      externalBuildState: 'IN_BETA_TESTING',
      individualTesterIds: ['t-c'],
    });
    await services.betaGroups.create({
      appId: '100',
      id: 'g-public',
      name: 'Public',
      createdDate: '2023-09-01T00:00:00Z',
      publicLinkEnabled: true,
      publicLinkLimitEnabled: true,
      publicLinkLimit: 250,
      feedbackEnabled: false,
      testerIds: ['t-a', 't-b'],
      buildIds: ['b43', 'b42'],
    });
    await services.feedback.createScreenshot({
      appId: '100',
      id: 'fs-1',
      buildId: 'b43',
      testerId: 't-a',
      createdDate: '2023-09-12T10:00:00Z',
      comment: 'Cut off',
      deviceFamily: 'IPHONE',
      batteryPercentage: 80,
      screenshots: [{ url: 'https://example.invalid/fs-1.png', width: 1179, height: 2556 }],
    });
    await services.feedback.createCrash({
      appId: '100',
      id: 'fc-1',
      testerId: 't-b',
      createdDate: '2023-09-13T10:00:00Z',
      connectionType: 'WIFI',
      crashLog: 'Thread 0 Crashed',
    });
    const devices = [{ model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0', appBuildVersion: '43' }];
    await services.betaTesters.setAppDevices('t-a', devices);
    const { lines, counts } = await exported('100');
    expect(counts).toMatchObject({
      preReleaseVersions: 1,
      builds: 2,
      groups: 1,
      screenshotFeedback: 1,
      crashFeedback: 1,
    });
    const fresh = await createHarness();
    try {
      const first = await importRecords(fresh.store, fresh.services, linesOf(lines));
      expect(first.rejectedLines).toEqual([]);
      expect(first).toMatchObject({
        preReleaseVersions: { created: 1 },
        builds: { created: 2 },
        groups: { created: 1 },
        screenshotFeedback: { created: 1 },
        crashFeedback: { created: 1 },
        rejected: 0,
      });
      const again: string[] = [];
      await exportRecords(fresh.store, '100', async (line) => {
        again.push(line);
      });
      expect(again).toEqual(lines);
      const second = await importRecords(fresh.store, fresh.services, linesOf(lines));
      expect(second).toMatchObject({
        apps: { created: 0, existing: 1 },
        preReleaseVersions: { created: 0, existing: 1 },
        builds: { created: 0, existing: 2 },
        groups: { created: 0, existing: 1 },
        screenshotFeedback: { created: 0, existing: 1 },
        crashFeedback: { created: 0, existing: 1 },
        rejected: 0,
      });
      expect((await fresh.store.findTester('t-a'))?.appDevices).toEqual(devices);
      expect(await fresh.store.findBetaGroup('g-public')).toEqual(
        await harness.store.findBetaGroup('g-public'),
      );
      expect(await fresh.store.findCrashFeedback('fc-1')).toEqual(
        await harness.store.findCrashFeedback('fc-1'),
      );
    } finally {
      await fresh.close();
    }
  });

  it('leaves out names a tester does not have', async () => {
    await harness.services.betaTesters.add({ appId: '200', email: 'plain@example.com', id: 't-plain' });
    const { lines } = await exported('200');
    expect(lines.map((line) => JSON.parse(line))).toContainEqual({
      kind: 'tester',
      appId: '200',
      id: 't-plain',
      email: 'plain@example.com',
    });
  });

  it('refuses an unknown app, writing nothing', async () => {
    const lines: string[] = [];
    const exporting = exportRecords(harness.store, '999', async (line) => {
      lines.push(line);
    });
    await expect(exporting).rejects.toThrow(
      new InputError("there is no app with id '999'; list them with 'apps list'"),
    );
    expect(lines).toEqual([]);
  });

  it('imports into an empty store as the same app, testers and metrics', async () => {
    const { lines } = await exported('100');
    const fresh = await createHarness();
    try {
      const summary = await importRecords(fresh.store, fresh.services, linesOf(lines));
      expect(summary).toMatchObject({
        apps: { created: 1 },
        testers: { added: 3 },
        events: { accepted: 7, duplicates: 0 },
        rejected: 0,
      });
      const testersOf = async (h: Harness) =>
        (await h.store.listTesters({ appIds: ['100'] }, { limit: 10 })).map(
          ({ id, email, firstName, lastName }) => ({ id, email, firstName, lastName }),
        );
      expect(await testersOf(fresh)).toEqual(await testersOf(harness));
      const original = await metricsOf(harness.services, '100', 1);
      expect(original.P7D?.map((page) => page.rows.length)).toEqual([1, 1]);
      expect(await metricsOf(fresh.services, '100', 1)).toEqual(original);
    } finally {
      await fresh.close();
    }
  });

  describe('feedback with content', () => {
    /** Two uploads of app 100, and three events naming them: two feedbacks sharing a screenshot, a crash. */
    const withContent = async () => {
      const [first, second] = [await noisePng(24, 16), await noisePng(16, 24)];
      const a = await harness.services.screenshotUploads.upload('100', first);
      const b = await harness.services.screenshotUploads.upload('100', second);
      const event = (id: string, type: string, fields: Record<string, unknown>) => ({
        id,
        type,
        appId: '100',
        testerId: 't-a',
        timestamp: '2023-10-04T10:00:00Z',
        ...fields,
      });
      await harness.services.ingestion.ingestBatch(
        {
          events: [
            event('fb-1', 'feedback', { comment: 'Cut off', screenshots: [a.id, b.id] }),
            event('fb-2', 'feedback', { screenshots: [a.id], details: { locale: 'en-GB' } }),
            event('cr-1', 'crash', { crashLog: 'Thread 0 crashed', comment: 'On launch' }),
          ],
        },
        '100',
      );
      return { bytes: [first, second], ids: [a.id, b.id] };
    };

    it('writes each stored screenshot once, before the first submission naming it', async () => {
      const { bytes, ids } = await withContent();
      const { lines, counts } = await exported('100', 1);
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const contents = records.filter((record) => record.kind === 'screenshotContent');
      expect(contents.map(({ sha256 }) => sha256).sort()).toEqual([...ids].sort());
      for (const content of contents) {
        const index = ids.indexOf(String(content.sha256));
        expect(Buffer.from(String(content.data), 'base64').equals(bytes[index] as Buffer)).toBe(true);
      }
      const firstSubmission = records.findIndex((record) => record.kind === 'screenshotFeedback');
      expect(records.findLastIndex((record) => record.kind === 'screenshotContent')).toBeLessThan(
        records.findLastIndex((record) => record.kind === 'screenshotFeedback'),
      );
      expect(records.findIndex((record) => record.kind === 'screenshotContent')).toBeLessThan(
        firstSubmission,
      );
      expect(records.find((record) => record.id === eventSubmissionId('100', 'fb-1'))).toMatchObject({
        eventId: 'fb-1',
        screenshots: [{ sha256: ids[0] }, { sha256: ids[1] }],
      });
      expect(counts).toMatchObject({ screenshotFeedback: 2, crashFeedback: 1, screenshotContent: 2 });
    });

    it('imports into an empty store as the same submissions, bytes and metrics, which a delete keeps consistent', async () => {
      const { bytes, ids } = await withContent();
      const { lines } = await exported('100');
      const fresh = await createHarness();
      try {
        const summary = await importRecords(fresh.store, fresh.services, linesOf(lines));
        expect(summary.rejectedLines).toEqual([]);
        expect(summary).toMatchObject({
          screenshotContent: { created: 2, existing: 0 },
          screenshotFeedback: { created: 2 },
          crashFeedback: { created: 1 },
        });
        expect(await fresh.services.feedback.listScreenshots('100')).toEqual(
          await harness.services.feedback.listScreenshots('100'),
        );
        expect(await fresh.services.feedback.listCrashes('100')).toEqual(
          await harness.services.feedback.listCrashes('100'),
        );
        for (const [index, id] of ids.entries()) {
          const stored = await fresh.services.screenshotUploads.read('100', id);
          expect(stored?.bytes.equals(bytes[index] as Buffer)).toBe(true);
        }
        const original = await metricsOf(harness.services, '100', 1);
        expect(await metricsOf(fresh.services, '100', 1)).toEqual(original);

        // The imported submission still names its event: deleting it retracts the feedback on both sides alike.
        for (const h of [harness, fresh])
          await h.services.feedback.deleteScreenshot(eventSubmissionId('100', 'fb-2'));
        const after = await metricsOf(harness.services, '100', 1);
        expect(after).not.toEqual(original);
        expect(await metricsOf(fresh.services, '100', 1)).toEqual(after);
      } finally {
        await fresh.close();
      }
    });

    it('refuses a stored screenshot whose bytes are not its SHA-256, or not an image', async () => {
      const { lines } = await exported('100');
      const text = Buffer.from('<html><script>alert(1)</script></html>');
      const { createHash } = await import('node:crypto');
      const fake = {
        kind: 'screenshotContent',
        appId: '100',
        sha256: createHash('sha256').update(text).digest('hex'),
        data: text.toString('base64'),
      };
      const renamed = { ...fake, sha256: 'a'.repeat(64) };
      const fresh = await createHarness();
      try {
        const summary = await importRecords(
          fresh.store,
          fresh.services,
          linesOf([...lines, JSON.stringify(fake), JSON.stringify(renamed)]),
        );
        expect(summary.screenshotContent).toEqual({ created: 0, existing: 0, rejected: 2 });
        expect(summary.rejectedLines.map(({ reason }) => reason)).toEqual([
          'A screenshot must be a PNG, JPEG or HEIC image; these bytes are none of them',
          `the bytes of 'data' have the SHA-256 ${fake.sha256}, not the line's 'sha256'`,
        ]);
      } finally {
        await fresh.close();
      }
    });
  });
});
