/** The columns the dashboard's tester table sorts by; ties are broken by tester id, ascending. */
export const TESTER_SORT_KEYS = [
  'name',
  'email',
  'state',
  'sessions',
  'crashes',
  'feedback',
  'crashRate',
  'lastSeen',
] as const;

export type TesterSortKey = (typeof TESTER_SORT_KEYS)[number];

export function isTesterSortKey(value: string): value is TesterSortKey {
  return (TESTER_SORT_KEYS as readonly string[]).includes(value);
}

/**
 * Crashes per 100 sessions, or undefined without sessions (a rate of nothing is not zero). Crashes can
 * outnumber sessions (a crash at launch is no session), so the rate may pass 100.
 */
export function crashesPer100Sessions(crashes: number, sessions: number): number | undefined {
  return sessions === 0 ? undefined : (crashes * 100) / sessions;
}
