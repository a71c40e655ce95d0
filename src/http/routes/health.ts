import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Store } from '../../storage/store.js';

/** GET /healthz — no token needed; answers 200 once the store answers a query. */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/healthz',
    {
      config: { authentication: 'none' },
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => {
      await store.setting('issuer_id');
      return { status: 'ok' as const };
    },
  );
}
