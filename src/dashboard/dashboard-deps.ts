import type { FastifyRequest } from 'fastify';
import type { Services } from '../services/services.js';

export interface DashboardDeps {
  readonly services: Services;
  /** The server's public base URL for a request (links, the Secure cookie flag, the same-origin check). */
  readonly baseUrl: (request: FastifyRequest) => string;
}
