import { describe, expect, it } from 'vitest';
import { appHref, DEFAULT_VIEW, parseAppView, testerHref, ViewParamError, viewQuery } from './view-params.js';

describe('view params', () => {
  it('defaults to 30 days, most sessions first, page 1', () => {
    expect(parseAppView({})).toEqual(DEFAULT_VIEW);
    expect(viewQuery(DEFAULT_VIEW)).toBe('');
  });

  it('sorts a column the way it reads best unless told, and round-trips through its query string', () => {
    expect(parseAppView({ sort: 'name' })).toMatchObject({ sort: 'name', descending: false });
    expect(parseAppView({ sort: 'lastSeen' })).toMatchObject({ sort: 'lastSeen', descending: true });
    const view = parseAppView({ period: 'P365D', sort: 'email', dir: 'desc', q: ' a&b ', page: '7' });
    expect(view).toEqual({ period: 'P365D', sort: 'email', descending: true, search: 'a&b', page: 7 });
    const query = viewQuery(view);
    expect(query).toBe('?period=P365D&sort=email&dir=desc&q=a%26b&page=7');
    expect(parseAppView(Object.fromEntries(new URLSearchParams(query)))).toEqual(view);
  });

  it('refuses what it cannot show, saying why', () => {
    for (const query of [
      { period: 'PT168H' },
      { sort: 'id' },
      { dir: 'up' },
      { page: '-1' },
      { page: ['1', '2'] },
    ])
      expect(() => parseAppView(query)).toThrow(ViewParamError);
  });

  it('builds links with ids encoded', () => {
    expect(appHref('1/2', { ...DEFAULT_VIEW, page: 2 })).toBe('/dashboard/apps/1%2F2?page=2');
    expect(testerHref('1', 'a b', 'P7D')).toBe('/dashboard/apps/1/testers/a%20b?period=P7D');
    expect(testerHref('1', 't', 'P30D')).toBe('/dashboard/apps/1/testers/t');
  });
});
