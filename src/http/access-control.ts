import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canReadTestFlight, canWriteTestFlight } from '../domain/roles.js';
import { holdsUnstorableText } from '../domain/storable-text.js';
import type { ApiError } from '../errors/api-error.js';
import { forbidden, notAuthorized, pathNotFound, rateLimitExceeded } from '../errors/api-errors.js';
import type { RateLimiter, RateLimitState } from '../services/rate-limiter.js';
import { AuthenticationError, type TokenVerifier, type VerifiedKey } from '../services/token-verifier.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { toApiError } from './error-handling.js';
import { errorResponseBody } from './error-response.js';
import { queryPairs, requestPath } from './query-string.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key of a request whose token verified. */
    apiKey?: VerifiedKey;
  }
  interface FastifyContextConfig {
    /**
     * How the route authenticates: an API token (JWT) when absent; none (health checks); an ingest key; or
     * elsewhere: a sibling door's route that checks its own credentials (the dashboard's session cookie).
     */
    authentication?: 'none' | 'ingestKey' | 'elsewhere';
    /** Counts against the key's hourly budget. */
    rateLimited?: boolean;
  }
}

export interface AccessControlDeps {
  readonly tokens: TokenVerifier;
  /** Absent when limiting is off (`serve --rate-limit 0`). */
  readonly rateLimiter?: RateLimiter;
}

/**
 * The budgets of requests that already spent it, and are answered here all the same: the answer replay
 * (answer-replay.ts) takes a request's budget before it answers, and hands the request over when the budget is
 * spent, so the 429 comes from here without counting the request twice.
 */
export const budgetsTaken = new WeakMap<IncomingMessage, RateLimitState>();

/**
 * The store's failures met by requests the answer replay checked and then handed over (answer-replay.ts): such
 * a request is answered 503 here at once. Checked again, it would wait on the same store as long again: through
 * a partition, a query's or a new connection's timeout each (docs/architecture.md, "Answer replay").
 */
export const storeFailuresMet = new WeakMap<IncomingMessage, StoreUnavailableError>();

/**
 * Authentication, then the rate limit, before anything else looks at the request: the live service checks
 * 401 -> 404 PATH_ERROR -> 429 -> 404 resource -> 403 -> 400 (docs/apple-behavior.md, §4). Unknown paths get here
 * too (onRequest runs before routing's 404), are authenticated, and see their budget without spending it.
 */
export function registerAccessControl(app: FastifyInstance, deps: AccessControlDeps): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.authentication !== undefined) return;
    const failure = storeFailuresMet.get(request.raw);
    if (failure !== undefined) throw failure;
    request.apiKey = await authenticate(request, deps.tokens);
    const limiter = deps.rateLimiter;
    if (limiter === undefined) return;
    const spends = request.routeOptions.url !== undefined && request.routeOptions.config.rateLimited === true;
    const taken = budgetsTaken.get(request.raw);
    const budget =
      taken ??
      (spends ? await limiter.consume(request.apiKey.keyId) : await limiter.peek(request.apiKey.keyId));
    reply.header('x-rate-limit', rateLimitHeader(budget));
    if (!budget.allowed) throw rateLimitExceeded();
    // `/v1/apps/%00`: an id with a NUL names nothing on either store (PostgreSQL would fail on the lookup).
    if (holdsUnstorableText(request.params)) throw pathNotFound();
  });
}

/**
 * The answer to a request Fastify cannot route at all (a path it cannot decode, like `/v1/%zz`), which it
 * hands over before any hook runs: the same checks and headers as every other answer, so without a valid
 * token it is 401, with one 404 PATH_ERROR.
 */
export async function answerUnroutable(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AccessControlDeps,
) {
  let error: ApiError;
  try {
    const key = await authenticate(request, deps.tokens);
    if (deps.rateLimiter !== undefined)
      reply.header('x-rate-limit', rateLimitHeader(await deps.rateLimiter.peek(key.keyId)));
    error = pathNotFound();
  } catch (failure) {
    error = toApiError(failure);
    if (failure instanceof StoreUnavailableError)
      request.log.warn({ cause: failure.cause }, 'the database cannot serve now: answered 503');
    else if (error.status === 500) request.log.error({ err: failure }, 'unexpected error');
  }
  sendWithoutHooks(request, reply, error);
}

/** An error answered where Fastify's onSend hooks do not run (frameworkErrors): sets what they would. */
export function sendWithoutHooks(request: FastifyRequest, reply: FastifyReply, error: ApiError): void {
  reply
    .code(error.status)
    .headers(error.headers)
    .header('x-request-id', request.id)
    .header('content-type', 'application/json')
    .send(Buffer.from(JSON.stringify(errorResponseBody(error))));
}

/** Apple's header: `user-hour-lim:3600;user-hour-rem:3599;`, trailing `;` included (docs/apple-behavior.md, §6). */
export function rateLimitHeader(budget: RateLimitState): string {
  if (budget.limit !== lastLimit.limit)
    lastLimit = { limit: budget.limit, prefix: `user-hour-lim:${budget.limit};user-hour-rem:` };
  return `${lastLimit.prefix}${budget.remaining};`;
}

/** The header's start for the limit of the last budget: every budget of a process has the same limit. */
let lastLimit = { limit: Number.NaN, prefix: '' };

/** Whether the request's key has a role that may read TestFlight data (docs/apple-behavior.md, §5). */
export function mayReadTestFlight(request: FastifyRequest): boolean {
  return request.apiKey !== undefined && canReadTestFlight(request.apiKey.role);
}

/** 403 unless the request's key has a role that may read TestFlight data. */
export function requireTestFlightReader(request: FastifyRequest): void {
  if (!mayReadTestFlight(request)) throw forbidden();
}

/** 403 unless the request's key has a role that may change TestFlight data (the API's writes). */
export function requireTestFlightWriter(request: FastifyRequest): void {
  if (request.apiKey === undefined || !canWriteTestFlight(request.apiKey.role)) throw forbidden();
}

async function authenticate(request: FastifyRequest, tokens: TokenVerifier): Promise<VerifiedKey> {
  try {
    return await tokens.verify(request.headers.authorization, {
      method: request.method,
      path: requestPath(request),
      query: queryPairs(request),
    });
  } catch (error) {
    if (error instanceof AuthenticationError) {
      // The reason goes to the log; the token itself never does.
      request.log.info({ authFailure: error.reason }, 'token refused');
      throw notAuthorized();
    }
    throw error;
  }
}
