import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, retryAfterDelay } from '../wire-common/backoff-delay.js';
import { AscApiError, errorFromAnswer, NETWORK_ERROR, UNEXPECTED_RESPONSE } from './asc-api-error.js';
import type { RatePacer } from './rate-pacer.js';
import type { TokenSource } from './token-source.js';
import type { ClientWait } from './types.js';

export interface RetryPolicy {
  /** Attempts per request when answers are 429, 5xx or missing (the first included). */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseMs: 1000, maxMs: 60_000 };

export interface RequestDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly tokens: TokenSource;
  readonly pacer: RatePacer;
  readonly retry: RetryPolicy;
  /** How long one attempt may take, answer body included, before it counts as no answer. */
  readonly timeoutMs: number;
  readonly onWait?: (wait: ClientWait) => void;
  readonly random?: () => number;
}

/** GETs `url` and resolves with its JSON body; retries what is transient and throws AscApiError otherwise. */
export async function getJson(deps: RequestDeps, url: string): Promise<unknown> {
  let failures = 0;
  let renewed = false;
  for (;;) {
    const paceMs = deps.pacer.reserve(Date.now());
    if (paceMs > 0) {
      const budget = deps.pacer.budget;
      deps.onWait?.({ reason: 'rate-budget', delayMs: paceMs, ...(budget !== undefined && { budget }) });
      await sleep(paceMs);
    }
    const token = await deps.tokens.get();
    let response: Response;
    let text: string;
    try {
      response = await deps.fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      failures += 1;
      if (failures >= deps.retry.maxAttempts) {
        throw new AscApiError({
          status: 0,
          url,
          code: NETWORK_ERROR,
          title: 'The server could not be reached',
          detail: `no answer after ${failures} attempts: ${whyNoAnswer(cause)}`,
          cause,
        });
      }
      await wait(deps, { reason: 'retry', delayMs: backoff(deps, failures), attempt: failures });
      continue;
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (response.status !== 429) deps.pacer.observe(response.headers.get('x-rate-limit'), Date.now());
    if (response.ok) return parseBody(text, response.status, requestId, url);

    if (response.status === 401 && !renewed) {
      // An expired or otherwise refused token: sign a new one, once per request.
      renewed = true;
      deps.tokens.renew(token);
      continue;
    }
    const transient = response.status === 429 || response.status >= 500;
    failures += transient ? 1 : 0;
    if (!transient || failures >= deps.retry.maxAttempts) {
      throw errorFromAnswer(response.status, text, requestId, url);
    }
    const asked = retryAfterDelay(response.headers.get('retry-after'), Date.now());
    await wait(deps, {
      reason: 'retry',
      delayMs: asked ?? backoff(deps, failures),
      attempt: failures,
      status: response.status,
    });
  }
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. */
function whyNoAnswer(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

function backoff(deps: RequestDeps, failures: number): number {
  return backoffDelay(failures, deps.retry, deps.random);
}

async function wait(deps: RequestDeps, what: ClientWait): Promise<void> {
  deps.onWait?.(what);
  if (what.delayMs > 0) await sleep(what.delayMs);
}

function parseBody(text: string, status: number, requestId: string | undefined, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AscApiError({
      status,
      url,
      ...(requestId !== undefined && { requestId }),
      code: UNEXPECTED_RESPONSE,
      title: 'The answer is not JSON',
      detail: `expected a JSON body, got: ${text.slice(0, 120).trim()}`,
    });
  }
}
