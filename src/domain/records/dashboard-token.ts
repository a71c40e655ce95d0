/** A dashboard login link or session: the SHA-256 (hex) of its random token, never the token itself. */
export interface DashboardTokenRecord {
  readonly tokenHash: string;
  readonly createdAt: string;
  /** The first instant at which it is no longer accepted. */
  readonly expiresAt: string;
}
