import { addDays, type CalendarDay } from '../../domain/calendar-day.js';
import { usageWindow } from '../../domain/period.js';
import type { UsageEventType } from '../../domain/usage-event.js';
import type { TesterState } from '../../domain/tester-state.js';
import type { NewAppRecord } from '../../domain/records/app.js';
import type { NewBuildRecord } from '../../domain/records/build.js';
import type { PreReleaseVersionRecord } from '../../domain/records/pre-release-version.js';
import type { MembershipRecord, TesterRecord } from '../../domain/records/tester.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import {
  DEMO_REPORT_TIME,
  FIXED_TESTERS,
  type FixedTester,
  PAGE_APP,
  PAGE_APP_INSTALLED_TESTERS,
  SECOND_APP,
} from './demo-fixture.js';
import { type DemoPerson, demoPeople } from './demo-people.js';
import {
  buildDetailsOf,
  type DemoBuild,
  type DemoFeedback,
  type DemoGroup,
  feedbackOf,
  groupsOf,
  preReleaseVersionsOf,
} from './demo-testflight.js';
import { SeededRandom } from './seeded-random.js';

/** Everything the demo writes, made without I/O so it can be checked without a store. */
export interface DemoData {
  readonly apps: NewAppRecord[];
  readonly testers: TesterRecord[];
  /** Every tester starts INVITED or ACCEPTED; their events make the installed ones INSTALLED. */
  readonly memberships: MembershipRecord[];
  readonly preReleaseVersions: PreReleaseVersionRecord[];
  /** Every build with its attributes, beta detail and individual testers (demo-testflight.ts). */
  readonly builds: DemoBuild[];
  readonly groups: DemoGroup[];
  readonly events: UsageEventRecord[];
  readonly feedback: DemoFeedback;
}

const REPORT_DAY = DEMO_REPORT_TIME.toISOString().slice(0, 10);
const YEAR = usageWindow(DEMO_REPORT_TIME, 'P365D');
/**
 * Betas began before the year the examples report on, so P365D leaves out their first weeks; but within the
 * default retention of 400 days before the report date, so pruning never deletes any of the demo's events.
 */
const BETA_START: CalendarDay = '2022-09-01';
const THIRD_APP = { id: '6451138394', name: 'Harbor Pilot', bundleId: 'com.example.harborpilot' } as const;

interface AppPlan {
  readonly app: { id: string; name: string; bundleId: string };
  /** Installed testers beyond the fixed ones. */
  readonly installed: number;
  readonly neverInstalled: number;
  /** The first build number; one more every two weeks. */
  readonly firstBuild: number;
}

const PLANS: readonly AppPlan[] = [
  { app: PAGE_APP, installed: PAGE_APP_INSTALLED_TESTERS - 5, neverInstalled: 140, firstBuild: 400 },
  { app: SECOND_APP, installed: 260, neverInstalled: 40, firstBuild: 120 },
  // A beta that has invited testers but shipped no build yet: nobody has installed it.
  { app: THIRD_APP, installed: 0, neverInstalled: 12, firstBuild: 1 },
];

/** The largest tester id on the page's first page: every other installed tester of that app sorts after it. */
const LAST_FIXED_ID_OF_PAGE_APP = '99e5ee74-39c3-4f52-86be-041c0fee2c6f';

export interface DemoOptions {
  /**
   * Testers of the second app, Tide Tables, in all (default 301): a larger crowd to try the dashboard on
   * (`serve --demo --demo-testers 10000`). The page's app keeps its 931 installed testers, so the page's
   * examples hold whatever this is.
   */
  readonly secondAppTesters?: number;
}

/** The second app's testers by default: its one fixed tester, 260 generated ones who install, 40 who never do. */
export const DEFAULT_SECOND_APP_TESTERS = 301;

export function generateDemoData(options: DemoOptions = {}): DemoData {
  const secondAppTesters = options.secondAppTesters ?? DEFAULT_SECOND_APP_TESTERS;
  const plans = PLANS.map((plan) =>
    plan.app.id === SECOND_APP.id
      ? { ...plan, installed: Math.max(0, secondAppTesters - 1 - plan.neverInstalled) }
      : plan,
  );
  const random = new SeededRandom(0x5eed2023);
  const person = demoPeople(random);
  const data: DemoData = {
    apps: [],
    testers: [],
    memberships: [],
    preReleaseVersions: [],
    builds: [],
    groups: [],
    events: [],
    feedback: { screenshots: [], crashes: [] },
  };
  const takenIds = new Set(FIXED_TESTERS.map((tester) => tester.id));
  const newTesterId = (after?: string) => {
    for (;;) {
      const id = random.uuid();
      if (!takenIds.has(id) && (after === undefined || id > after)) {
        takenIds.add(id);
        return id;
      }
    }
  };
  const at = (day: CalendarDay) => timeOn(random, day);

  for (const plan of plans) {
    const { app } = plan;
    data.apps.push({
      ...app,
      sku: app.bundleId.toUpperCase(),
      primaryLocale: 'en-US',
      createdAt: at(addDays(BETA_START, -10)),
    });
    const builds = buildsOf(plan, at);
    data.preReleaseVersions.push(...preReleaseVersionsOf(app.id, builds));
    const buildOn = (day: CalendarDay) =>
      [...builds].reverse().find((build) => build.uploadedAt.slice(0, 10) <= day)?.version ??
      builds[0]?.version ??
      '';
    const installedIds: string[] = [];

    const addTester = (id: string, who: DemoPerson, state: TesterState, invitedOn: CalendarDay) => {
      data.testers.push({
        id,
        email: who.email,
        firstName: who.firstName,
        lastName: who.lastName,
        inviteType: random.chance(0.7) ? 'EMAIL' : 'PUBLIC_LINK',
        createdAt: at(invitedOn),
      });
      data.memberships.push({ appId: app.id, testerId: id, state, invitedAt: at(invitedOn) });
    };
    const addUsage = (id: string, who: DemoPerson, usage: PlannedUsage) => {
      const event = (type: UsageEventType, day: CalendarDay): UsageEventRecord => {
        const occurredAt = at(day);
        return {
          id: random.uuid(),
          appId: app.id,
          testerId: id,
          type,
          occurredAt,
          build: buildOn(day),
          ...who.device,
          receivedAt: occurredAt,
        };
      };
      data.events.push(event('install', usage.installDay));
      for (const day of usage.sessionDays) data.events.push(event('session', day));
      for (const day of usage.crashDays) data.events.push(event('crash', day));
      for (const day of usage.feedbackDays) data.events.push(event('feedback', day));
      installedIds.push(id);
    };

    for (const fixed of FIXED_TESTERS.filter((tester) => tester.appId === app.id)) {
      const who = person();
      const usage = fixedUsage(random, fixed);
      addTester(fixed.id, who, 'INVITED', addDays(usage.installDay, -random.int(1, 6)));
      addUsage(fixed.id, who, usage);
    }
    const after = app.id === PAGE_APP.id ? LAST_FIXED_ID_OF_PAGE_APP : undefined;
    for (let i = 0; i < plan.installed; i++) {
      const id = newTesterId(after);
      const who = person();
      const usage = generatedUsage(random);
      addTester(id, who, 'INVITED', addDays(usage.installDay, -random.int(1, 10)));
      addUsage(id, who, usage);
    }
    for (let i = 0; i < plan.neverInstalled; i++) {
      const state: TesterState = random.chance(0.35) ? 'ACCEPTED' : 'INVITED';
      addTester(newTesterId(), person(), state, randomDay(random, BETA_START, addDays(REPORT_DAY, -1)));
    }
    const detailed = buildDetailsOf(app.id, builds, installedIds.slice(0, 2));
    data.builds.push(...detailed);
    if (installedIds.length > 0) {
      // In this order, as the demo always drew them: the groups' creation time, then who is internal.
      const createdAt = at(BETA_START);
      const internal = installedIds.filter(() => random.chance(0.04));
      const external = installedIds.filter((id) => !internal.includes(id));
      const testers = new Map(data.testers.map((tester) => [tester.id, tester]));
      data.groups.push(...groupsOf(app.id, internal, external, testers, detailed, createdAt));
    }
  }
  const testers = new Map(data.testers.map((tester) => [tester.id, tester]));
  const buildIds = new Map(data.builds.map(({ build }) => [`${build.appId}/${build.version}`, build.id]));
  return { ...data, feedback: feedbackOf(data.events, testers, buildIds) };
}

interface PlannedUsage {
  readonly installDay: CalendarDay;
  readonly sessionDays: CalendarDay[];
  readonly crashDays: CalendarDay[];
  readonly feedbackDays: CalendarDay[];
}

/** Exactly the example's counts, all inside the year the example reports on. */
function fixedUsage(random: SeededRandom, tester: FixedTester): PlannedUsage {
  const installDay = randomDay(random, YEAR.firstDay, addDays(YEAR.firstDay, 60));
  const days = (count: number) =>
    Array.from({ length: count }, () => randomDay(random, installDay, REPORT_DAY));
  return {
    installDay,
    sessionDays: days(tester.year.sessionCount),
    crashDays: days(tester.year.crashCount),
    feedbackDays: days(tester.year.feedbackCount),
  };
}

/**
 * A tester of the generated crowd: many install early, the rest over the year; sessions spread log-normally
 * (a few heavy testers, many light ones), a third drift away before the report date, a few never open the app
 * after installing; most devices rarely crash, some are flaky; a minority writes feedback.
 */
function generatedUsage(random: SeededRandom): PlannedUsage {
  const installDay = random.chance(0.45)
    ? randomDay(random, BETA_START, addDays(BETA_START, 75))
    : randomDay(random, BETA_START, addDays(REPORT_DAY, -7));
  const lastDay = random.chance(0.35) ? randomDay(random, installDay, REPORT_DAY) : REPORT_DAY;
  const activeDays = daysBetween(installDay, lastDay) + 1;
  const sessions = random.chance(0.06)
    ? 0
    : Math.min(900, Math.round(random.logNormal(2.6, 1.1) * (activeDays / 300)));
  const sessionDays = Array.from({ length: sessions }, () => randomDay(random, installDay, lastDay));
  const crashRate = random.chance(0.05)
    ? 0.25 + random.next() * 0.15
    : random.chance(0.25)
      ? 0.05 + random.next() * 0.07
      : random.next() * 0.04;
  const feedbackRate = random.chance(0.1)
    ? 0.1 + random.next() * 0.1
    : random.chance(0.33)
      ? 0.03 + random.next() * 0.05
      : random.next() * 0.02;
  const fromSessions = (rate: number) => sessionDays.filter(() => random.chance(rate));
  return {
    installDay,
    sessionDays,
    crashDays: fromSessions(crashRate),
    feedbackDays: fromSessions(feedbackRate),
  };
}

function buildsOf(plan: AppPlan, at: (day: CalendarDay) => string): NewBuildRecord[] {
  if (plan.installed === 0) return [];
  const builds: NewBuildRecord[] = [];
  for (let day = BETA_START, n = plan.firstBuild; day <= REPORT_DAY; day = addDays(day, 14), n++) {
    builds.push({
      id: `${plan.app.id}-build-${n}`,
      appId: plan.app.id,
      version: String(n),
      uploadedAt: at(day),
    });
  }
  return builds;
}

function randomDay(random: SeededRandom, from: CalendarDay, to: CalendarDay): CalendarDay {
  return addDays(from, random.int(0, Math.max(0, daysBetween(from, to))));
}

function daysBetween(from: CalendarDay, to: CalendarDay): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A moment on `day`; on the report date, before the report time, so nothing lies in the demo's future. */
function timeOn(random: SeededRandom, day: CalendarDay): string {
  const latest = day === REPORT_DAY ? DEMO_REPORT_TIME.getUTCHours() * 3600 - 1 : 86_399;
  const second = random.int(0, latest);
  return new Date(Date.parse(`${day}T00:00:00Z`) + second * 1000).toISOString();
}
