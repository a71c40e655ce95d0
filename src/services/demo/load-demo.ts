import { StoreConflictError } from '../../domain/store-problems.js';
import type { DirectoryStore } from '../../storage/directory-store.js';
import type { SettingsStore } from '../../storage/settings-store.js';
import type { UsageStore } from '../../storage/usage-store.js';
import { CURSOR_KEY_SETTING } from '../services.js';
import { type DemoData, type DemoOptions, generateDemoData } from './demo-data.js';
import { demoCursorKey } from './demo-fixture.js';

/** Set once the whole demo is in the store; its value is the demo's version. */
export const DEMO_LOADED_SETTING = 'demo_loaded';
const DEMO_VERSION = '1';
const EVENTS_PER_BATCH = 1000;

export interface DemoLoadResult {
  /** False when the store already held the demo. */
  readonly loaded: boolean;
  readonly apps: number;
  readonly testers: number;
  readonly events: number;
}

/**
 * Writes the demo through the same store functions ingestion uses. Every step is idempotent (events by id,
 * the rest by checking first), so a start interrupted half-way completes on the next one. Call it before
 * createServices: on a fresh store it sets the demo's cursor key (see demo-fixture.ts), which services read once.
 * `options` matter on the first load only: a store that has the demo keeps it as it is.
 */
export async function loadDemoData(
  store: DirectoryStore & UsageStore & SettingsStore,
  onProgress: (done: number, total: number) => void = () => {},
  options: DemoOptions = {},
): Promise<DemoLoadResult> {
  if ((await store.setting(DEMO_LOADED_SETTING)) !== undefined) {
    return { loaded: false, apps: 0, testers: 0, events: 0 };
  }
  const data = generateDemoData(options);
  // Only a store of its own gets the demo's (publicly known) cursor key; an operator's store keeps its own.
  if ((await store.countApps({})) === 0)
    await store.setSetting(CURSOR_KEY_SETTING, demoCursorKey().toString('base64url'));
  await writeEntities(store, data);
  for (let i = 0; i < data.events.length; i += EVENTS_PER_BATCH) {
    await store.appendUsageEvents(data.events.slice(i, i + EVENTS_PER_BATCH));
    onProgress(Math.min(i + EVENTS_PER_BATCH, data.events.length), data.events.length);
  }
  await writeFeedback(store, data);
  await store.setSetting(DEMO_LOADED_SETTING, DEMO_VERSION);
  return { loaded: true, apps: data.apps.length, testers: data.testers.length, events: data.events.length };
}

async function writeEntities(store: DirectoryStore, data: DemoData): Promise<void> {
  for (const app of data.apps) {
    if ((await store.findApp(app.id)) === undefined) await store.createApp(app);
  }
  const firstTester = data.testers[0];
  if (firstTester !== undefined && (await store.findTester(firstTester.id)) === undefined) {
    await store.createTesters(data.testers);
  }
  const firstMember = data.memberships[0];
  if (firstMember !== undefined && (await store.findTester(firstMember.testerId))?.apps.length === 0) {
    await store.addTestersToApps(data.memberships);
  }
  for (const version of data.preReleaseVersions)
    await ignoringConflict(() => store.createPreReleaseVersion(version));
  for (const { build, betaDetail, individualTesterIds } of data.builds)
    await ignoringConflict(() => store.createBuild(build, { betaDetail, individualTesterIds }));
  for (const { group, testerIds, buildIds } of data.groups) {
    await ignoringConflict(() => store.createBetaGroup(group, testerIds, buildIds));
  }
}

/** After the events: their submissions name the builds and testers the events made. */
async function writeFeedback(store: DirectoryStore, data: DemoData): Promise<void> {
  for (const submission of data.feedback.screenshots)
    await ignoringConflict(() => store.createScreenshotFeedback(submission));
  for (const { submission, log } of data.feedback.crashes)
    await ignoringConflict(() => store.createCrashFeedback(submission, log));
}

async function ignoringConflict(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
  }
}
