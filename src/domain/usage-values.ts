/** A tester's usage over a window, in the member order the live service writes (the page's examples). */
export interface UsageValues {
  crashCount: number;
  sessionCount: number;
  feedbackCount: number;
}

export function zeroUsage(): UsageValues {
  return { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
}
