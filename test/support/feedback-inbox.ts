import sharp from 'sharp';
import { FEEDBACK_DEFAULTS, type ScreenshotImage } from '../../src/domain/records/feedback.js';
import type { Harness } from './harness.js';

/*
 * An app's feedback inbox for the dashboard's tests: two builds, two testers, two screenshot submissions and a
 * crash with a long log; another app's crash beside it. Comments and the log hold markup, which every page must
 * show as text. The older submissions are written through the feedback service, as the CLI writes them; the
 * newest names an uploaded screenshot (content) and an image elsewhere, as ingestion writes an event's
 * submission (docs/feedback-content.md), so it goes to the store directly.
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

/** A phone screenshot's shape, 390 × 844: a bar, three rows and a button. */
export const CONTENT_SCREENSHOT = await sharp(
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="390" height="844"><rect width="390" height="844" fill="#f4f6fa"/>' +
      '<rect width="390" height="96" fill="#2563eb"/>' +
      [150, 260, 370]
        .map((y) => `<rect x="24" y="${y}" width="342" height="84" rx="14" fill="#ffffff" stroke="#d1d9e0"/>`)
        .join('') +
      '<rect x="24" y="720" width="342" height="64" rx="32" fill="#cf222e"/></svg>',
  ),
)
  .png()
  .toBuffer();

/**
 * Writes the inbox. `imageUrl(path)`: an absolute URL of this server for `path`, which the oldest submission
 * names (a screenshot given by URL that the page may show as a thumbnail). The newest names CONTENT_SCREENSHOT,
 * uploaded, and an image elsewhere, which the page only links to.
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
  const upload = await services.screenshotUploads.upload(INBOX_APP, CONTENT_SCREENSHOT);
  const content = {
    sha256: upload.id,
    mediaType: upload.mediaType,
    width: upload.width,
    height: upload.height,
  };
  await harness.store.createScreenshotFeedback({
    ...FEEDBACK_DEFAULTS,
    appId: INBOX_APP,
    id: SUBMISSIONS.newest,
    createdDate: '2023-10-03T08:15:00.000Z',
    buildId: 'b412',
    testerId: 't1',
    comment: ATTRIBUTE_COMMENT,
    email: 'ada@example.com',
    connectionType: 'MOBILE_DATA',
    batteryPercentage: 15,
    screenshots: [
      content as unknown as ScreenshotImage,
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
