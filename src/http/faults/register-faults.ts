import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { FAULT_HEADER } from './fault.js';
import { systemClock } from '../../domain/clock.js';
import { faultRoutes } from '../routes/faults.js';
import type { FaultAnswerContext } from './fault-answers.js';
import { type FaultSettings, registerFaultHooks } from './fault-hooks.js';
import { FaultRules } from './fault-rules.js';

/**
 * Faults on demand (README, "Faults on demand"): the hooks that honour them, only with `serve --allow-faults`
 * (`settings`), and the rules' routes under `/_beta-metrics/faults`, which answer as unknown paths without it.
 * Registered after access control and before the API's routes, whose operationIds the rules may name.
 */
export function registerFaults(
  app: FastifyInstance,
  settings: FaultSettings | undefined,
  context: FaultAnswerContext,
): FaultsPossible {
  const rules = new FaultRules(settings?.clock ?? systemClock);
  if (settings !== undefined) registerFaultHooks(app, { ...context, settings, rules });
  faultRoutes(app, { settings, rules });
  if (settings === undefined) return () => false;
  return (request) => request.headers[FAULT_HEADER] !== undefined || !rules.isEmpty();
}

/** Whether a fault could be given to a request: one is asked for in its header, or a rule is set. */
export type FaultsPossible = (request: IncomingMessage) => boolean;
