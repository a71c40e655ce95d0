/** Request counts per key and minute (minutes since the epoch): the rate limit that several nodes share. */
export interface RateLimitReads {
  /** The key's requests over the `windowMinutes` minutes ending with `minute`. */
  requestsIn(keyId: string, minute: number, windowMinutes: number): Promise<number>;
}

export interface RateLimitStore extends RateLimitReads {
  /**
   * Counts `requests` requests of `keyId` in `minute` (minutes since the epoch), as many as the key's budget
   * allows: `granted` of them, so that its requests over the `windowMinutes` minutes ending with `minute` do
   * not pass `limit`; `used` is that total, the granted ones included. Concurrent callers in one minute are
   * serialized by the database.
   */
  countRequests(
    keyId: string,
    minute: number,
    windowMinutes: number,
    limit: number,
    requests: number,
  ): Promise<{ granted: number; used: number }>;
  /** Deletes request counts of minutes before `minute`. */
  forgetRequestsBefore(minute: number): Promise<void>;
}
