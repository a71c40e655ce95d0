import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { newIssuerId } from '../domain/ids.js';
import type { KeptReads } from '../storage/kept-reads.js';
import type { Store } from '../storage/store.js';
import { type ApiKeysService, apiKeysService } from './api-keys.js';
import { type AppsService, appsService } from './apps.js';
import { type BetaGroupsService, betaGroupsService } from './beta-groups.js';
import { type BetaTesterUsagesService, betaTesterUsagesService } from './beta-tester-usages.js';
import { type BetaTestersService, betaTestersService } from './beta-testers.js';
import { type BuildUsagesService, buildUsagesService } from './build-usages.js';
import { type BuildsService, buildsService } from './builds.js';
import { type ContentUrlSigner, contentUrlKey, contentUrlSigner } from './content-urls.js';
import { type DashboardService, dashboardService } from './dashboard.js';
import { type DashboardSessionsService, dashboardSessionsService } from './dashboard-sessions.js';
import { type FeedbackService, feedbackService } from './feedback.js';
import { type FeedbackInboxService, feedbackInboxService } from './feedback-inbox.js';
import { type HealthService, healthService } from './health.js';
import { type IngestKeysService, ingestKeysService } from './ingest-keys.js';
import {
  DEFAULT_INGESTION_LIMITS,
  type IngestionLimits,
  type IngestionService,
  ingestionService,
} from './ingestion.js';
import { type ResourcesService, resourcesService } from './resources.js';
import { DEFAULT_SCREENSHOT_LIMITS } from './screenshot-check.js';
import { type ScreenshotContentService, screenshotContentService } from './screenshot-content.js';
import { screenshotRenditions } from './screenshot-renditions.js';
import { type ScreenshotUploadsService, screenshotUploadsService } from './screenshot-uploads.js';
import { type PublicLinkUsagesService, publicLinkUsagesService } from './public-link-usages.js';
import { type SnapshotsService, snapshotsService } from './snapshots.js';
import { type TesterAppUsagesService, testerAppUsagesService } from './tester-app-usages.js';
import { type TokenVerifier, tokenVerifier } from './token-verifier.js';

/** The doors read the store's kept rows through services only (test/architecture/layers.test.ts). */
export type { KeptReads } from '../storage/kept-reads.js';

/** What the product does, independent of HTTP: the routes and the CLI call these. */
export interface Services {
  readonly apps: AppsService;
  readonly betaTesters: BetaTestersService;
  readonly betaTesterUsages: BetaTesterUsagesService;
  /** Every resource of the TestFlight slice, for the API's generic resource layer. */
  readonly resources: ResourcesService;
  /** Signs and checks the URLs stored screenshots are served at (docs/feedback-content.md, "Serving"). */
  readonly contentUrls: ContentUrlSigner;
  /** What those URLs answer (rendered and kept within this node's bounds), and the URLs a page shows. */
  readonly screenshotContent: ScreenshotContentService;
  /** The sibling metrics of docs/apple-behavior.md, §7: a tester's per app, a build's, a public link's. */
  readonly testerAppUsages: TesterAppUsagesService;
  readonly buildUsages: BuildUsagesService;
  readonly publicLinkUsages: PublicLinkUsagesService;
  /** Pre-release versions and builds, with their beta details and individual testers. */
  readonly builds: BuildsService;
  readonly betaGroups: BetaGroupsService;
  /** Feedback submissions (screenshot and crash) and crash logs. */
  readonly feedback: FeedbackService;
  /** The dashboard's feedback inbox of an app: a page of its submissions, and a crash's whole log. */
  readonly feedbackInbox: FeedbackInboxService;
  readonly apiKeys: ApiKeysService;
  readonly tokens: TokenVerifier;
  /** What the store's read caches hold, read without waiting (storage/kept-reads.ts); undefined without them. */
  readonly keptReads: KeptReads | undefined;
  /**
   * Resolves once every node answers with the writes this process has made (storage/read-caches.ts): an answer
   * to a request that may have written waits for it.
   */
  readonly writesSeenEverywhere: () => Promise<void>;
  readonly ingestKeys: IngestKeysService;
  readonly ingestion: IngestionService;
  /** Screenshots beta apps upload before an event names them (docs/feedback-content.md). */
  readonly screenshotUploads: ScreenshotUploadsService;
  /** The dashboard's pages, over the report clock. */
  readonly dashboard: DashboardService;
  /** The dashboard's login links and sessions, over the wall clock. */
  readonly dashboardSessions: DashboardSessionsService;
  /** The store's health: GET /healthz and the pool gauges of GET /metrics. */
  readonly health: HealthService;
  /** Named snapshots of the whole store, and restoring them (`snapshot`, `/_beta-metrics/snapshots`). */
  readonly snapshots: SnapshotsService;
}

export interface ServiceClocks {
  /** Wall time: tokens, rate limits, records' creation times. */
  readonly clock: Clock;
  /** What "today" is for metrics windows; `--now` fixes it (the demo's report date is 2023-10-05). */
  readonly reportClock: Clock;
}

/** Settings every store gets on first use, and keeps: they make tokens and cursors valid across restarts. */
export const ISSUER_ID_SETTING = 'issuer_id';
export const CURSOR_KEY_SETTING = 'cursor_key';

export async function createServices(
  store: Store,
  clocks: ServiceClocks,
  ingestionLimits: IngestionLimits = DEFAULT_INGESTION_LIMITS,
): Promise<Services> {
  const issuerId = await store.settingOrInsert(ISSUER_ID_SETTING, newIssuerId());
  const cursorKey = Buffer.from(
    await store.settingOrInsert(CURSOR_KEY_SETTING, randomBytes(32).toString('base64url')),
    'base64url',
  );
  const contentUrls = contentUrlSigner(await contentUrlKey(store), clocks.clock);
  return {
    apps: appsService(store, cursorKey, clocks.clock),
    betaTesters: betaTestersService(store, cursorKey, clocks.clock),
    betaTesterUsages: betaTesterUsagesService(store, cursorKey, clocks.reportClock),
    resources: resourcesService(store, cursorKey, contentUrls),
    contentUrls,
    screenshotContent: screenshotContentService(store, contentUrls, screenshotRenditions(), clocks.clock),
    testerAppUsages: testerAppUsagesService(store, cursorKey, clocks.reportClock),
    buildUsages: buildUsagesService(store, clocks.reportClock),
    publicLinkUsages: publicLinkUsagesService(store, clocks.reportClock),
    builds: buildsService(store, clocks.clock),
    betaGroups: betaGroupsService(store, clocks.clock),
    feedback: feedbackService(store, clocks.clock),
    feedbackInbox: feedbackInboxService(store),
    apiKeys: apiKeysService(store, issuerId, clocks.clock),
    tokens: tokenVerifier(store, issuerId, clocks.clock),
    keptReads: store.keptReads(),
    writesSeenEverywhere: () => store.writesSeenEverywhere(),
    ingestKeys: ingestKeysService(store, clocks.clock),
    ingestion: ingestionService(store, clocks.clock, clocks.reportClock, ingestionLimits),
    screenshotUploads: screenshotUploadsService(store, clocks.clock, {
      ...DEFAULT_SCREENSHOT_LIMITS,
      maxBytes: ingestionLimits.maxScreenshotBytes,
    }),
    dashboard: dashboardService(store, clocks.reportClock),
    dashboardSessions: dashboardSessionsService(store, clocks.clock),
    health: healthService(store),
    snapshots: snapshotsService(store),
  };
}
