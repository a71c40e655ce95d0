/** A build of an app. `uploadedAt` is ISO 8601 in UTC with milliseconds. */
export interface BuildRecord {
  readonly id: string;
  readonly appId: string;
  readonly version: string;
  readonly uploadedAt: string;
}
