import type { FastifyRequest } from 'fastify';
import { forbidden, pathNotFound } from '../errors/api-errors.js';

/**
 * The gate of every test control under `/_beta-metrics/` (faults, and whatever else a test suite drives):
 * without `serve --allow-faults` the path does not exist (404 PATH_ERROR, as any unknown path, after
 * authentication); with it, only an ADMIN key with the TESTING capability may use it (403 FORBIDDEN_ERROR).
 * Call it after access control (an onRequest hook of the route, or the handler).
 */
export function requireTestingControls(request: FastifyRequest, allowFaults: boolean): void {
  if (!allowFaults) throw pathNotFound();
  const key = request.apiKey;
  if (key === undefined || key.role !== 'ADMIN' || !key.testing) throw forbidden();
}
