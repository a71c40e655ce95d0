import type { BetaTesterRow, BetaTesterUsage } from './types.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * The day of a data point's `start` or `end`: the live service sends a date (`2023-10-05`), the spec says
 * date-time (docs/apple-behavior.md, §1); a date-time becomes its UTC day.
 */
export function dayOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const at = Date.parse(value);
  return Number.isNaN(at) ? value : new Date(at).toISOString().slice(0, 10);
}

/**
 * The tester of an item: `dimensions.betaTesters.data` is an identifier object `{type, id}` on the live
 * service and in Apple's examples, a plain id string in the spec (docs/apple-behavior.md, §1).
 */
function testerIdOf(item: Json): string | undefined {
  const dimensions = item.dimensions;
  const testers = isObject(dimensions) ? dimensions.betaTesters : undefined;
  const data = isObject(testers) ? testers.data : undefined;
  if (typeof data === 'string') return data;
  return isObject(data) && typeof data.id === 'string' ? data.id : undefined;
}

/**
 * One row per item of a metrics page. `dataPoints` is an array of one point on the live service, an object
 * in spec versions up to 4.2 (docs/apple-behavior.md, §1); several points are added up. Undefined when the body is
 * not a metrics page.
 */
export function usageRowsOf(body: unknown): BetaTesterUsage[] | undefined {
  const data = isObject(body) ? body.data : undefined;
  if (!Array.isArray(data)) return undefined;
  const rows: BetaTesterUsage[] = [];
  for (const item of data) {
    if (!isObject(item)) return undefined;
    const testerId = testerIdOf(item);
    if (testerId === undefined) return undefined;
    const points = Array.isArray(item.dataPoints) ? item.dataPoints : [item.dataPoints];
    let sessionCount = 0;
    let crashCount = 0;
    let feedbackCount = 0;
    let start: string | undefined;
    let end: string | undefined;
    for (const point of points.filter(isObject)) {
      const values = isObject(point.values) ? point.values : {};
      sessionCount += count(values.sessionCount);
      crashCount += count(values.crashCount);
      feedbackCount += count(values.feedbackCount);
      const from = dayOf(point.start);
      const to = dayOf(point.end);
      if (from !== undefined && (start === undefined || from < start)) start = from;
      if (to !== undefined && (end === undefined || to > end)) end = to;
    }
    rows.push({ testerId, sessionCount, crashCount, feedbackCount, start, end });
  }
  return rows;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The testers of a `BetaTestersResponse` page; undefined when the body is not one. */
export function testerRowsOf(body: unknown): BetaTesterRow[] | undefined {
  const data = isObject(body) ? body.data : undefined;
  if (!Array.isArray(data)) return undefined;
  const rows: BetaTesterRow[] = [];
  for (const item of data) {
    if (!isObject(item) || typeof item.id !== 'string') return undefined;
    const attributes = isObject(item.attributes) ? item.attributes : {};
    rows.push({
      id: item.id,
      firstName: text(attributes.firstName),
      lastName: text(attributes.lastName),
      email: text(attributes.email),
      state: text(attributes.state),
      inviteType: text(attributes.inviteType),
    });
  }
  return rows;
}

/** `links.next` and `meta.paging.total` of a page. */
export function pagingOf(body: unknown): { next: string | undefined; total: number | undefined } {
  const links = isObject(body) ? body.links : undefined;
  const meta = isObject(body) ? body.meta : undefined;
  const paging = isObject(meta) ? meta.paging : undefined;
  const next = isObject(links) && typeof links.next === 'string' ? links.next : undefined;
  const total = isObject(paging) && typeof paging.total === 'number' ? paging.total : undefined;
  return { next, total };
}
