import type { BetaTesterRow, BetaTesterUsage } from '../../client/index.js';
import { visibleText } from '../../domain/visible-text.js';

export const USAGE_FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
export const USAGE_SORTS = ['sessions', 'crashes', 'feedback', 'tester'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];
export type UsageSort = (typeof USAGE_SORTS)[number];

/** One line of `usage`: a tester's metrics with their name and email (null when the server has none). */
export interface UsageReportRow {
  readonly testerId: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly sessionCount: number;
  readonly crashCount: number;
  readonly feedbackCount: number;
}

const COLUMNS = [
  'testerId',
  'firstName',
  'lastName',
  'email',
  'sessionCount',
  'crashCount',
  'feedbackCount',
] as const;

/** Each usage row with its tester's name and email from /v1/betaTesters. */
export function joinTesters(
  usages: readonly BetaTesterUsage[],
  testers: readonly BetaTesterRow[],
): UsageReportRow[] {
  const byId = new Map(testers.map((tester) => [tester.id, tester]));
  return usages.map((usage) => {
    const tester = byId.get(usage.testerId);
    return {
      testerId: usage.testerId,
      firstName: tester?.firstName ?? null,
      lastName: tester?.lastName ?? null,
      email: tester?.email ?? null,
      sessionCount: usage.sessionCount,
      crashCount: usage.crashCount,
      feedbackCount: usage.feedbackCount,
    };
  });
}

const byId = (a: UsageReportRow, b: UsageReportRow) =>
  a.testerId < b.testerId ? -1 : a.testerId > b.testerId ? 1 : 0;
const SORT_KEYS = { sessions: 'sessionCount', crashes: 'crashCount', feedback: 'feedbackCount' } as const;

/** `tester`: by tester id, as the API orders them; the counts: largest first, ties by tester id. */
export function sortRows(rows: readonly UsageReportRow[], sort: UsageSort): UsageReportRow[] {
  if (sort === 'tester') return [...rows].sort(byId);
  const key = SORT_KEYS[sort];
  return [...rows].sort((a, b) => b[key] - a[key] || byId(a, b));
}

/** The whole report as the format writes it, without a final newline (empty: nothing to print). */
export function formatReport(rows: readonly UsageReportRow[], format: UsageFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(rows.map(pick));
    case 'ndjson':
      return rows.map((row) => JSON.stringify(pick(row))).join('\n');
    case 'csv':
      return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => csvField(row[c])).join(','))].join(
        '\n',
      );
    case 'table':
      return usageTable(rows);
  }
}

/** The columns in their order, whatever else a row object holds. */
function pick(row: UsageReportRow): UsageReportRow {
  const { testerId, firstName, lastName, email, sessionCount, crashCount, feedbackCount } = row;
  return { testerId, firstName, lastName, email, sessionCount, crashCount, feedbackCount };
}

/**
 * RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; null is empty. Text
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a return first: OWASP's CSV injection)
 * gets a leading `'`, since tester names come from the testers themselves; numbers are left as they are.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function usageTable(rows: readonly UsageReportRow[]): string {
  const headers = ['TESTER', 'NAME', 'EMAIL', 'SESSIONS', 'CRASHES', 'FEEDBACK'];
  const numeric = [false, false, false, true, true, true];
  const total = (key: 'sessionCount' | 'crashCount' | 'feedbackCount') =>
    rows.reduce((sum, row) => sum + row[key], 0);
  // Names come from testers themselves (public links): nothing a terminal acts on reaches it raw.
  const body = rows.map((row) =>
    [
      row.testerId,
      [row.firstName, row.lastName].filter((part) => part !== null && part !== '').join(' '),
      row.email ?? '',
      String(row.sessionCount),
      String(row.crashCount),
      String(row.feedbackCount),
    ].map(visibleText),
  );
  const totals = [
    'TOTALS',
    `${rows.length} ${rows.length === 1 ? 'tester' : 'testers'}`,
    '',
    String(total('sessionCount')),
    String(total('crashCount')),
    String(total('feedbackCount')),
  ];
  const all = [headers, ...body, totals];
  const widths = headers.map((_, i) => Math.max(...all.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), ...body.map(line), rule, line(totals)].join('\n');
}
