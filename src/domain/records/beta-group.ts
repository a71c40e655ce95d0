/**
 * A beta group of an app (its members are stored with it). `createdAt` is ISO 8601 in UTC with milliseconds.
 */
export interface BetaGroupRecord {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly isInternal: boolean;
  readonly createdAt: string;
}
