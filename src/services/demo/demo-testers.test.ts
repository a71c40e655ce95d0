import { describe, expect, it } from 'vitest';
import { DEFAULT_SECOND_APP_TESTERS, generateDemoData } from './demo-data.js';
import { PAGE_APP, SECOND_APP } from './demo-fixture.js';

describe('the demo with more testers (serve --demo --demo-testers N)', () => {
  it("gives the second app N testers and leaves the page's app as it is", () => {
    const usual = generateDemoData();
    const large = generateDemoData({ secondAppTesters: 2500 });
    const members = (data: typeof usual, appId: string) => data.memberships.filter((m) => m.appId === appId);
    expect(members(usual, SECOND_APP.id)).toHaveLength(DEFAULT_SECOND_APP_TESTERS);
    expect(members(large, SECOND_APP.id)).toHaveLength(2500);
    expect(members(large, PAGE_APP.id)).toEqual(members(usual, PAGE_APP.id));
    const pageEvents = (data: typeof usual) => data.events.filter((e) => e.appId === PAGE_APP.id);
    expect(pageEvents(large)).toEqual(pageEvents(usual));
    expect(new Set(large.testers.map((t) => t.email.toLowerCase())).size).toBe(large.testers.length);
  });
});
