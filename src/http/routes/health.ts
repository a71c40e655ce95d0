import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type Store, StoreUnavailableError } from '../../storage/store.js';

/**
 * GET /healthz — no token needed; answers 200 once the store answers a query, and 503 (as every route does
 * while the database cannot serve) when it does not, or when a write failed so moments ago.
 */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/healthz',
    {
      config: { authentication: 'none' },
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => {
      await store.setting('issuer_id');
      // A full disk or a read-only database still answers this read: the writes that failed so in the last
      // seconds tell (Store.unavailableRecently). Probing with a write instead would write on every probe (a
      // WAL flush on SQLite, a commit on PostgreSQL) and, on a locked SQLite file, wait out its busy timeout.
      const cause = store.unavailableRecently();
      if (cause !== undefined) throw new StoreUnavailableError(cause);
      return { status: 'ok' as const };
    },
  );
}
