/** The connections of this process's database pool (PostgreSQL), read when asked. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
}
