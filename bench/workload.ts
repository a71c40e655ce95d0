import { addDays } from '../src/domain/calendar-day.js';
import { SeededRandom } from '../src/services/demo/seeded-random.js';
import type { NewAppRecord } from '../src/domain/records/app.js';
import type { MembershipRecord, TesterRecord } from '../src/domain/records/tester.js';
import type { UsageEventRecord } from '../src/domain/records/usage-event-record.js';

/**
 * The reference workload of the benchmarks, made the same on every machine: one app, 10,000 testers who all install
 * it, 365 days of usage ending on the report date, about 20 million session events. Usage is skewed: a
 * tester's daily rate is log-normal (many light testers, a few heavy ones), some testers have flaky devices
 * (many crashes), a few send feedback often. A build ships every week and testers take it after a lag.
 * Event ids are time-ordered (UUID v7); the ingestion figures send random ones (v4), as the bundled client does.
 */
export interface WorkloadShape {
  readonly testers: number;
  readonly days: number;
  /** Scales every tester's rate (1: the reference ~20 M sessions). */
  readonly intensity: number;
}

export const REFERENCE_SHAPE: WorkloadShape = { testers: 10_000, days: 365, intensity: 1 };

/** The instant reports are made at (`serve --now`); the last day of usage is its UTC day. */
export const REPORT_TIME = '2025-06-17T12:00:00.000Z';
export const REPORT_DAY = REPORT_TIME.slice(0, 10);
export const BENCH_APP: NewAppRecord = {
  id: '1650000000',
  name: 'Benchmark',
  bundleId: 'com.example.benchmark',
  sku: 'BENCH',
  primaryLocale: 'en-US',
  createdAt: '2024-01-01T00:00:00.000Z',
};
/**
 * What the bench's reads ask of the reference app: the repeated metrics page (limit 200, P365D), the seed's first
 * example (limit 5) and the app itself, for run.ts's figures, profile.ts's loads and compare.ts's.
 */
export const BENCH_PATHS = {
  metricsPage: `/v1/apps/${BENCH_APP.id}/metrics/betaTesterUsages?groupBy=betaTesters&limit=200&period=P365D`,
  seedExample: `/v1/apps/${BENCH_APP.id}/metrics/betaTesterUsages?groupBy=betaTesters&limit=5&period=P365D`,
  app: `/v1/apps/${BENCH_APP.id}`,
} as const;
/** Marks a store holding the whole workload; its value describes it (JSON). */
export const WORKLOAD_SETTING = 'bench_workload';
/** Changes whenever the workload's generation changes, so an old store is generated anew. */
export const WORKLOAD_VERSION = '1';

const SEED = 5;
const BUILD_EVERY_DAYS = 7;
const PLATFORMS = ['IOS', 'IOS', 'IOS', 'IOS', 'MAC_OS', 'TV_OS'] as const;
const DEVICES = ['iPhone15,2', 'iPhone16,1', 'iPhone14,5', 'iPad13,4', 'Mac14,2', 'AppleTV11,1'];

interface TesterModel {
  readonly id: string;
  /** Index of the day of the first event (the install). */
  readonly installDay: number;
  /** Probability of using the app on a day after installing. */
  readonly activeChance: number;
  /** Mean sessions on an active day. */
  readonly sessionsPerActiveDay: number;
  readonly crashPerSession: number;
  readonly feedbackPerActiveDay: number;
  /** Days before the tester takes a new build. */
  readonly updateLag: number;
  readonly platform: string;
  readonly device: string;
}

export interface Workload {
  readonly shape: WorkloadShape;
  readonly app: NewAppRecord;
  readonly testers: readonly TesterRecord[];
  readonly memberships: readonly MembershipRecord[];
  readonly firstDay: string;
  /** The events of day `index` (0 = firstDay), the same on every call. */
  eventsOfDay(index: number): UsageEventRecord[];
}

export function referenceWorkload(shape: WorkloadShape = REFERENCE_SHAPE): Workload {
  const random = new SeededRandom(SEED);
  const firstDay = addDays(REPORT_DAY, -(shape.days - 1));
  const models: TesterModel[] = [];
  for (let i = 0; i < shape.testers; i++) models.push(testerModel(random, shape));
  models.sort((a, b) => (a.id < b.id ? -1 : 1));
  const testers = models.map(
    (model, i): TesterRecord => ({
      id: model.id,
      email: `tester${i}@bench.example.com`,
      firstName: 'Bench',
      lastName: `Tester ${i}`,
      inviteType: i % 5 === 0 ? 'PUBLIC_LINK' : 'EMAIL',
      createdAt: `${firstDay}T00:00:00.000Z`,
    }),
  );
  const memberships = models.map(
    (model): MembershipRecord => ({
      appId: BENCH_APP.id,
      testerId: model.id,
      state: 'INVITED',
      invitedAt: `${firstDay}T00:00:00.000Z`,
    }),
  );
  return {
    shape,
    app: BENCH_APP,
    testers,
    memberships,
    firstDay,
    eventsOfDay: (index) => eventsOfDay(models, index, addDays(firstDay, index)),
  };
}

function testerModel(random: SeededRandom, shape: WorkloadShape): TesterModel {
  const early = random.chance(0.7);
  const flaky = random.chance(0.05);
  const chatty = random.chance(0.03);
  return {
    id: random.uuid(),
    installDay: early ? random.int(0, 13) : random.int(0, shape.days - 1),
    activeChance: 0.2 + 0.75 * random.next(),
    sessionsPerActiveDay: Math.min(120, random.logNormal(1.92, 1.0)) * shape.intensity,
    crashPerSession: flaky ? 0.05 + 0.1 * random.next() : 0.004 * random.next(),
    feedbackPerActiveDay: chatty ? 0.3 : 0.02 * random.next(),
    updateLag: random.int(0, 6),
    platform: random.pick(PLATFORMS),
    device: random.pick(DEVICES),
  };
}

/** Each day's events come from a generator seeded by the day alone: any day can be made on its own. */
function eventsOfDay(models: readonly TesterModel[], index: number, day: string): UsageEventRecord[] {
  const random = new SeededRandom(SEED * 1_000_003 + index);
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const events: UsageEventRecord[] = [];
  for (const model of models) {
    if (index < model.installDay) continue;
    const installing = index === model.installDay;
    if (!installing && !random.chance(model.activeChance)) continue;
    const build = String(100 + Math.max(0, Math.floor((index - model.updateLag) / BUILD_EVERY_DAYS)));
    const event = (type: UsageEventRecord['type'], second: number): UsageEventRecord => {
      const occurredAt = `${day}T${clockTime(second)}.000Z`;
      return {
        id: timeOrderedId(dayStart + second * 1000, random),
        appId: BENCH_APP.id,
        testerId: model.id,
        type,
        occurredAt,
        build,
        platform: model.platform,
        device: model.device,
        osVersion: '18.5',
        receivedAt: occurredAt,
      };
    };
    // Installs happen early in the day, so the install is the tester's first event.
    if (installing) events.push(event('install', random.int(0, 3_599)));
    const mean = model.sessionsPerActiveDay;
    const sessions = Math.max(1, Math.round(mean * (0.5 + random.next())));
    for (let s = 0; s < sessions; s++) {
      events.push(event('session', random.int(3_600, 86_399)));
      if (random.chance(model.crashPerSession)) events.push(event('crash', random.int(3_600, 86_399)));
    }
    if (random.chance(model.feedbackPerActiveDay)) events.push(event('feedback', random.int(3_600, 86_399)));
  }
  return events;
}

/**
 * A version 7 UUID (RFC 9562: milliseconds since the epoch, then random bits) for the event's instant, as
 * SDKs that make time-ordered ids send them. Ids that grow with time keep loading 20 million events fast:
 * each day's ids land together at the end of the primary key instead of all over it.
 */
function timeOrderedId(ms: number, random: SeededRandom): string {
  const time = ms.toString(16).padStart(12, '0');
  const bits = () =>
    Math.floor(random.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  const tail = `${bits()}${bits()}${bits()}`;
  const variant = ((Number.parseInt(tail[3] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${tail.slice(0, 3)}-${variant}${tail.slice(4, 7)}-${tail.slice(7, 19)}`;
}

function clockTime(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second % 3600) / 60);
  const s = second % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
