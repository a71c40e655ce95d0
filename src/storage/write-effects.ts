import type { CachedTable } from './change-feed.js';
import type { StoreWrite } from './store.js';

const VERSIONS = ['app_data_versions'] as const;
const KEYS = ['api_keys'] as const;
// Writes that may end testers, and raise versions. Only testers that exist are kept: making one forgets none.
const TESTER_GONE = ['app_data_versions', 'beta_testers'] as const;
const NONE = [] as const;

/**
 * Which cached tables (change-feed.ts) each write of the store may change: read-caches.ts forgets what they
 * hold once the write has settled, so this process reads its own writes at once whatever the feed. The
 * compiler keeps the list complete: a new write method must say here what it changes. When unsure, name the
 * table: forgetting too much costs a read, too little a wrong answer.
 *
 * Nearly every write of the directory and of usage raises the data version of an app it touches (or makes
 * an app); the counters, sessions, settings, ingest keys and snapshots kept aside change no cached table.
 * Only a tester's delete and a restore end testers (no other write deletes a `beta_testers` row, and the
 * tester cache keeps only testers that exist).
 */
export const WRITE_EFFECTS = {
  createApp: VERSIONS,
  createTesters: VERSIONS,
  addTestersToApps: VERSIONS,
  updateApp: VERSIONS,
  updateTester: VERSIONS,
  createPreReleaseVersion: VERSIONS,
  createBuild: VERSIONS,
  updateBuild: VERSIONS,
  addIndividualTesters: VERSIONS,
  createBetaGroup: VERSIONS,
  updateBetaGroup: VERSIONS,
  addToBetaGroup: VERSIONS,
  deleteBetaGroup: VERSIONS,
  grantBetaAccess: VERSIONS,
  withdrawBetaAccess: VERSIONS,
  addTesterToApp: VERSIONS,
  reinviteTester: VERSIONS,
  removeTestersFromApps: VERSIONS,
  deleteTester: TESTER_GONE,
  deleteScreenshotFeedback: VERSIONS,
  deleteCrashFeedback: VERSIONS,
  createScreenshotFeedback: VERSIONS,
  createCrashFeedback: VERSIONS,
  appendUsageEvents: VERSIONS,
  // Raw events past retention only: the rollups the metrics read stay (docs/architecture.md, "Rollups").
  pruneUsageEvents: NONE,
  // Uploaded bytes change no metrics; pruning submissions deletes them as a delete does (submission-deletes.ts).
  putContent: NONE,
  pruneUnnamedContent: NONE,
  pruneFeedbackContent: VERSIONS,
  recordRefusal: NONE,
  createIngestKey: NONE,
  revokeIngestKey: NONE,
  countRequests: NONE,
  forgetRequestsBefore: NONE,
  createApiKey: KEYS,
  revokeApiKey: KEYS,
  settingOrInsert: NONE,
  setSetting: NONE,
  createDashboardLoginLink: NONE,
  exchangeDashboardLoginLink: NONE,
  endDashboardSession: NONE,
  saveSnapshot: NONE,
  restoreSnapshot: [...KEYS, ...TESTER_GONE],
  deleteSnapshot: NONE,
} as const satisfies Record<StoreWrite, readonly CachedTable[]>;
