import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar-day.js';
import { usageWindow } from '../../domain/period.js';
import { DEFAULT_RETENTION_DAYS } from '../../domain/usage-event-rules.js';
import { generateDemoData } from './demo-data.js';
import { DEMO_REPORT_TIME, FIXED_TESTERS, PAGE_APP, PAGE_APP_INSTALLED_TESTERS } from './demo-fixture.js';

const data = generateDemoData();
const year = usageWindow(DEMO_REPORT_TIME, 'P365D');
const inYear = (at: string) => at.slice(0, 10) >= year.firstDay && at.slice(0, 10) <= year.lastDay;
const installedIn = (appId: string) =>
  [...new Set(data.events.filter((e) => e.appId === appId).map((e) => e.testerId))].sort();

describe('the demo data', () => {
  it('is the same on every run', () => {
    const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    expect(digest(generateDemoData())).toBe(digest(data));
  });

  it("gives the page's app 931 installed testers, the page's five first", () => {
    const installed = installedIn(PAGE_APP.id);
    expect(installed).toHaveLength(PAGE_APP_INSTALLED_TESTERS);
    expect(installed.slice(0, 5)).toEqual(
      FIXED_TESTERS.filter((t) => t.appId === PAGE_APP.id).map((t) => t.id),
    );
  });

  it("gives the page's testers exactly the example's counts over P365D", () => {
    for (const tester of FIXED_TESTERS) {
      const events = data.events.filter(
        (e) => e.testerId === tester.id && e.appId === tester.appId && inYear(e.occurredAt),
      );
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect({
        crashCount: count('crash'),
        sessionCount: count('session'),
        feedbackCount: count('feedback'),
      }).toEqual(tester.year);
    }
  });

  it("has sessions in the page's app on every day of the year it reports", () => {
    const days = new Set(
      data.events
        .filter((e) => e.appId === PAGE_APP.id && e.type === 'session')
        .map((e) => e.occurredAt.slice(0, 10)),
    );
    for (let day = year.firstDay; day <= year.lastDay; day = addDays(day, 1))
      expect(days.has(day), day).toBe(true);
  });

  it('looks like a real beta: skewed usage, some crashes and feedback, testers who never installed', () => {
    const sessions = new Map<string, number>();
    for (const event of data.events.filter((e) => e.appId === PAGE_APP.id && e.type === 'session')) {
      sessions.set(event.testerId, (sessions.get(event.testerId) ?? 0) + 1);
    }
    const counts = installedIn(PAGE_APP.id)
      .map((id) => sessions.get(id) ?? 0)
      .sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)] ?? 0;
    expect(counts.at(-1)).toBeGreaterThan(10 * median);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(10);
    expect(data.events.filter((e) => e.type === 'crash').length).toBeGreaterThan(100);
    expect(data.events.filter((e) => e.type === 'feedback').length).toBeGreaterThan(100);
    for (const app of data.apps) {
      const members = data.memberships.filter((m) => m.appId === app.id).map((m) => m.testerId);
      const installed = new Set(installedIn(app.id));
      expect(members.filter((id) => !installed.has(id)).length, app.name).toBeGreaterThan(0);
    }
    expect(data.testers.every((t) => t.firstName && t.lastName && t.email.endsWith('@example.com'))).toBe(
      true,
    );
  });

  it('lies within the default retention, so pruning a demo store deletes none of its events', () => {
    const oldest = new Date(DEMO_REPORT_TIME.getTime() - DEFAULT_RETENTION_DAYS * 86_400_000).toISOString();
    expect(data.events.filter((e) => e.occurredAt < oldest)).toEqual([]);
  });

  it('has unique ids and emails, and nothing after the report time', () => {
    expect(new Set(data.events.map((e) => e.id)).size).toBe(data.events.length);
    expect(new Set(data.testers.map((t) => t.id)).size).toBe(data.testers.length);
    expect(new Set(data.testers.map((t) => t.email.toLowerCase())).size).toBe(data.testers.length);
    const report = DEMO_REPORT_TIME.toISOString();
    expect(data.events.filter((e) => e.occurredAt >= report)).toEqual([]);
  });
});
