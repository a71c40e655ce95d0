import type { NewBetaGroupRecord } from '../../domain/records/beta-group.js';
import type { BuildBetaDetailRecord, NewBuildRecord } from '../../domain/records/build.js';
import {
  type CrashFeedbackRecord,
  type CrashLogRecord,
  FEEDBACK_DEFAULTS,
  type FeedbackSubmissionRecord,
  type ScreenshotFeedbackRecord,
} from '../../domain/records/feedback.js';
import type { PreReleaseVersionRecord } from '../../domain/records/pre-release-version.js';
import type { TesterRecord } from '../../domain/records/tester.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import type { DeviceFamily, Platform } from '../../domain/testflight-values.js';
import { DEMO_REPORT_TIME, FIXED_TESTERS, PAGE_APP } from './demo-fixture.js';

/**
 * The demo's TestFlight resources around its builds, testers and events (demo-data.ts): two pre-release
 * versions per app, each build's attributes and beta detail, three groups (internal, external, external by a
 * public link with a limit), individual testers on one build, and the feedback and crash submissions behind the
 * fixed testers' feedback and crash events. Made from what demo-data.ts drew, never from its random stream, so
 * the page's examples and every generated value stay as they were.
 */

export interface DemoBuild {
  readonly build: NewBuildRecord;
  readonly betaDetail: BuildBetaDetailRecord;
  readonly individualTesterIds: string[];
}

export interface DemoGroup {
  readonly group: NewBetaGroupRecord;
  readonly testerIds: string[];
  readonly buildIds: string[];
}

/** Builds at Apple expire 90 days after their upload. */
const BUILD_LIFETIME_MS = 90 * 86_400_000;
/** The page's app's builds 400 to 411 are version 1.4; 412 on are 1.5. Other apps split their builds in half. */
const PAGE_APP_SECOND_VERSION_BUILD = 412;

export function preReleaseVersionsOf(
  appId: string,
  builds: readonly NewBuildRecord[],
): PreReleaseVersionRecord[] {
  if (builds.length === 0) return [];
  const [first, second] = appId === PAGE_APP.id ? ['1.4', '1.5'] : ['2.0', '2.1'];
  return [
    { id: `${appId}-version-${first}`, appId, version: first ?? '1.0', platform: 'IOS' },
    { id: `${appId}-version-${second}`, appId, version: second ?? '1.1', platform: 'IOS' },
  ];
}

export function buildDetailsOf(
  appId: string,
  builds: readonly NewBuildRecord[],
  individualTesterIds: readonly string[],
): DemoBuild[] {
  const versions = preReleaseVersionsOf(appId, builds);
  const split =
    appId === PAGE_APP.id
      ? String(PAGE_APP_SECOND_VERSION_BUILD)
      : (builds[Math.floor(builds.length / 2)]?.version ?? '');
  const latest = builds.at(-1)?.id;
  return builds.map((build) => {
    const expiration = Date.parse(build.uploadedAt) + BUILD_LIFETIME_MS;
    const expired = expiration <= DEMO_REPORT_TIME.getTime();
    const secondVersion = Number(build.version) >= Number(split);
    const state = expired ? 'EXPIRED' : 'IN_BETA_TESTING';
    return {
      build: {
        ...build,
        preReleaseVersionId: versions[secondVersion ? 1 : 0]?.id ?? null,
        expirationDate: new Date(expiration).toISOString(),
        expired,
        minOsVersion: '16.0',
        iconAssetToken: {
          templateUrl: `https://example.invalid/icons/${build.id}/{w}x{h}bb.{f}`,
          width: 1024,
          height: 1024,
        },
        processingState: 'VALID',
        buildAudienceType: 'APP_STORE_ELIGIBLE',
        usesNonExemptEncryption: false,
      },
      betaDetail: { autoNotifyEnabled: !expired, internalBuildState: state, externalBuildState: state },
      // The page's app's build 412 went to two testers outside any group before its group got it.
      individualTesterIds:
        build.id === `${PAGE_APP.id}-build-412` || (appId !== PAGE_APP.id && build.id === latest)
          ? [...individualTesterIds]
          : [],
    };
  });
}

/**
 * Three groups of an app: the internal team (every build), an external beta (the builds of the newer version)
 * and an external group testers join by a public link with a limit (the latest build). Testers invited by
 * public link are in the last; the other external testers in the second.
 */
export function groupsOf(
  appId: string,
  internal: readonly string[],
  external: readonly string[],
  testers: ReadonlyMap<string, TesterRecord>,
  builds: readonly DemoBuild[],
  createdAt: string,
): DemoGroup[] {
  const byLink = external.filter((id) => testers.get(id)?.inviteType === 'PUBLIC_LINK');
  const byEmail = external.filter((id) => testers.get(id)?.inviteType !== 'PUBLIC_LINK');
  const newer = builds.at(-1)?.build.preReleaseVersionId;
  const group = (suffix: string, name: string, isInternal: boolean): NewBetaGroupRecord => ({
    id: `${appId}-${suffix}`,
    appId,
    name,
    isInternal,
    createdAt,
  });
  return [
    {
      group: { ...group('internal', 'Internal Team', true), hasAccessToAllBuilds: true },
      testerIds: [...internal],
      buildIds: builds.map(({ build }) => build.id),
    },
    {
      group: group('public', 'Public Beta', false),
      testerIds: byEmail,
      buildIds: builds
        .filter(({ build }) => build.preReleaseVersionId === newer)
        .map(({ build }) => build.id),
    },
    {
      group: {
        ...group('link', 'Open Beta (public link)', false),
        publicLinkEnabled: true,
        publicLinkId: `demo${appId}`,
        publicLink: `https://testflight.apple.com/join/demo${appId}`,
        publicLinkLimitEnabled: true,
        publicLinkLimit: 1000,
      },
      testerIds: byLink,
      buildIds: builds.slice(-1).map(({ build }) => build.id),
    },
  ];
}

export interface DemoFeedback {
  readonly screenshots: ScreenshotFeedbackRecord[];
  readonly crashes: Array<{ submission: CrashFeedbackRecord; log: CrashLogRecord }>;
}

/** A submission for each feedback event (with a screenshot) and each crash event (with its log) of the fixed testers. */
export function feedbackOf(
  events: readonly UsageEventRecord[],
  testers: ReadonlyMap<string, TesterRecord>,
  buildIds: ReadonlyMap<string, string>,
): DemoFeedback {
  const fixed = new Set(FIXED_TESTERS.map((tester) => tester.id));
  const feedback: DemoFeedback = { screenshots: [], crashes: [] };
  for (const event of events) {
    if (!fixed.has(event.testerId) || (event.type !== 'feedback' && event.type !== 'crash')) continue;
    const base = submissionOf(event, testers.get(event.testerId), buildIds);
    if (event.type === 'feedback') {
      feedback.screenshots.push({
        ...base,
        id: `${event.id}-feedback`,
        comment: COMMENTS[feedback.screenshots.length % COMMENTS.length] ?? null,
        screenshots: [
          {
            url: `https://example.invalid/screenshots/${event.id}.png`,
            width: base.deviceFamily === 'IPAD' ? 2048 : 1179,
            height: base.deviceFamily === 'IPAD' ? 2732 : 2556,
            expirationDate: new Date(DEMO_REPORT_TIME.getTime() + 86_400_000).toISOString(),
          },
        ],
      });
    } else {
      const logId = `${event.id}-log`;
      feedback.crashes.push({
        submission: {
          ...base,
          id: `${event.id}-crash`,
          comment: 'It closed when I opened a note',
          crashLogId: logId,
        },
        log: { id: logId, appId: event.appId, logText: crashLog(event) },
      });
    }
  }
  return feedback;
}

const COMMENTS = [
  'The toolbar covers the last line of a long note.',
  'Search finds nothing right after I type a new note.',
  'Dark mode: the date is hard to read.',
  'Love the new sync, but it took a minute on cellular.',
];

function submissionOf(
  event: UsageEventRecord,
  tester: TesterRecord | undefined,
  buildIds: ReadonlyMap<string, string>,
): FeedbackSubmissionRecord {
  const model = event.device ?? 'iPhone15,2';
  const family: DeviceFamily = model.startsWith('iPad') ? 'IPAD' : model.startsWith('Mac') ? 'MAC' : 'IPHONE';
  const platform: Platform = event.platform === 'MAC_OS' ? 'MAC_OS' : 'IOS';
  return {
    ...FEEDBACK_DEFAULTS,
    id: event.id,
    appId: event.appId,
    buildId: event.build === undefined ? null : (buildIds.get(`${event.appId}/${event.build}`) ?? null),
    testerId: event.testerId,
    createdDate: event.occurredAt,
    email: tester?.email ?? null,
    deviceModel: model,
    osVersion: event.osVersion ?? null,
    locale: 'en-US',
    timeZone: 'America/Los_Angeles',
    architecture: 'arm64e',
    connectionType: 'WIFI',
    appUptimeInMilliseconds: 184_000,
    diskBytesAvailable: 41_000_000_000,
    diskBytesTotal: 128_000_000_000,
    batteryPercentage: 64,
    screenWidthInPoints: family === 'IPAD' ? 1024 : 393,
    screenHeightInPoints: family === 'IPAD' ? 1366 : 852,
    appPlatform: platform,
    devicePlatform: platform,
    deviceFamily: family,
    buildBundleId: event.appId === PAGE_APP.id ? PAGE_APP.bundleId : null,
  };
}

function crashLog(event: UsageEventRecord): string {
  return [
    `Incident Identifier: ${event.id}`,
    `Hardware Model:      ${event.device ?? 'iPhone15,2'}`,
    `Version:             ${event.build ?? ''}`,
    `Date/Time:           ${event.occurredAt}`,
    `OS Version:          iOS ${event.osVersion ?? ''}`,
    'Exception Type:  EXC_BREAKPOINT (SIGTRAP)',
    'Thread 0 Crashed:',
    '0   libswiftCore.dylib   0x00000001a2b3c4d8 _assertionFailure(_:_:file:line:flags:) + 264',
    '1   LumenNotes           0x0000000100f1e2a4 NoteEditor.layoutToolbar() + 412',
  ].join('\n');
}
