/** A beta group as the dashboard lists it: its attributes and how many testers it holds. */
export interface BetaGroupSummary {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly isInternal: boolean;
  readonly publicLinkEnabled: boolean;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /** Its testers who are testers of the app, in any state (those its page lists). */
  readonly testers: number;
}
