import type { Harness } from './harness.js';

/*
 * An app's feedback inbox for the dashboard's tests: two builds, two testers, two screenshot submissions and a
 * crash with a long log, written through the feedback service as the CLI writes them; another app's crash
 * beside it. Comments and the log hold markup, which every page must show as text.
 */

export const INBOX_APP = '100';
export const OTHER_APP = '200';
export const SCRIPT_COMMENT = '<script>alert(1)</script>';
export const ATTRIBUTE_COMMENT = '"><img src=x onerror=alert(1)>';
/** 30 lines; the third holds markup. */
export const CRASH_LOG = Array.from({ length: 30 }, (_, i) =>
  i === 2
    ? 'Exception Type: <b>EXC_CRASH</b> & "SIGABRT"'
    : `Thread 0 frame ${i}: 0x${(4096 + i).toString(16)} Nightjar`,
).join('\n');

/** The submissions written, newest first. */
export const SUBMISSIONS = {
  newest: 'shot-new',
  crash: 'crash-1',
  oldest: 'shot-old',
  otherAppCrash: 'crash-other',
} as const;

/**
 * Writes the inbox. `imageUrl(path)`: an absolute URL of this server for `path` (a screenshot the page may
 * show as a thumbnail); the newest submission also names an image elsewhere, which the page only links to.
 */
export async function seedFeedbackInbox(harness: Harness, imageUrl: (path: string) => string): Promise<void> {
  const { services } = harness;
  for (const [id, name] of [
    [INBOX_APP, 'Nightjar'],
    [OTHER_APP, 'Other'],
  ] as const)
    await services.apps.create({ id, name, bundleId: `com.example.${id}`, sku: id, primaryLocale: 'en-US' });
  await harness.store.createTesters([
    {
      id: 't1',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    },
    {
      id: 't2',
      email: 'bo@example.com',
      firstName: null,
      lastName: null,
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    },
  ]);
  await harness.store.addTestersToApps(
    ['t1', 't2'].map((testerId) => ({
      appId: INBOX_APP,
      testerId,
      state: 'INSTALLED' as const,
      invitedAt: '2023-01-02T00:00:00.000Z',
    })),
  );
  await services.builds.createPreReleaseVersion({ appId: INBOX_APP, version: '1.5', id: 'v15' });
  await services.builds.create({
    appId: INBOX_APP,
    version: '411',
    id: 'b411',
    uploadedDate: '2023-09-01T10:00:00Z',
  });
  await services.builds.create({
    appId: INBOX_APP,
    version: '412',
    id: 'b412',
    uploadedDate: '2023-09-20T10:00:00Z',
    preReleaseVersionId: 'v15',
  });

  await services.feedback.createScreenshot({
    appId: INBOX_APP,
    id: SUBMISSIONS.oldest,
    createdDate: '2023-10-01T09:00:00Z',
    buildId: 'b411',
    testerId: 't2',
    comment: 'Dark mode: the date is hard to read.',
    deviceModel: 'iPad13,4',
    deviceFamily: 'IPAD',
    devicePlatform: 'IOS',
    osVersion: '17.0',
    screenshots: [{ url: imageUrl('/dashboard/assets/old.png'), width: 2048, height: 2732 }],
  });
  await services.feedback.createCrash({
    appId: INBOX_APP,
    id: SUBMISSIONS.crash,
    createdDate: '2023-10-02T10:30:00Z',
    buildId: 'b412',
    testerId: 't1',
    comment: SCRIPT_COMMENT,
    deviceModel: 'iPhone15,2',
    deviceFamily: 'IPHONE',
    devicePlatform: 'IOS',
    appPlatform: 'IOS',
    osVersion: '17.0.3',
    locale: 'en_GB',
    timeZone: 'Europe/London',
    architecture: 'arm64e',
    connectionType: 'WIFI',
    batteryPercentage: 82,
    screenWidthInPoints: 393,
    screenHeightInPoints: 852,
    diskBytesAvailable: 12_300_000_000,
    diskBytesTotal: 128_000_000_000,
    appUptimeInMilliseconds: 3_725_000,
    pairedAppleWatch: 'Apple Watch Series 9 <41mm>',
    buildBundleId: 'com.example.nightjar',
    crashLog: CRASH_LOG,
    crashLogId: 'log-1',
  });
  await services.feedback.createScreenshot({
    appId: INBOX_APP,
    id: SUBMISSIONS.newest,
    createdDate: '2023-10-03T08:15:00Z',
    buildId: 'b412',
    testerId: 't1',
    comment: ATTRIBUTE_COMMENT,
    email: 'ada@example.com',
    connectionType: 'MOBILE_DATA',
    batteryPercentage: 15,
    screenshots: [
      { url: imageUrl('/dashboard/assets/new.png?v=1&w=2'), width: 1179, height: 2556 },
      { url: 'https://example.invalid/screenshots/elsewhere.png', width: 1179, height: 2556 },
    ],
  });
  await services.feedback.createCrash({
    appId: OTHER_APP,
    id: SUBMISSIONS.otherAppCrash,
    createdDate: '2023-10-04T10:00:00Z',
    comment: 'another app',
    crashLog: 'the other app',
    crashLogId: 'log-other',
  });
}
