import type { FastifyInstance } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import type { HealthService } from '../../services/health.js';

/**
 * GET /healthz — no token needed; answers 200 once the store answers a query, and 503 (as every route does
 * while the database cannot serve) when it does not, or when a write failed so moments ago.
 */
export function healthRoutes(app: FastifyInstance, health: HealthService): void {
  app.get(
    '/healthz',
    {
      config: { authentication: 'none', journaled: false },
      schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => {
      await health.check();
      return { status: 'ok' as const };
    },
  );
}
