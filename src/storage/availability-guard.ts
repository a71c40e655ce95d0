import { performance } from 'node:perf_hooks';
import { StoreUnavailableError } from '../domain/store-problems.js';
import type { BackendSpecifics } from './backend-specifics.js';
import { type Store, STORE_WRITES } from './store.js';
import { unavailableCause } from './unavailable-cause.js';

/**
 * How long a write's "cannot serve now" failure keeps Store.unavailableRecently (and so GET /healthz) saying so
 * unless the same write succeeds meanwhile: twice the Retry-After of the 503 (api-errors.ts), so clients that
 * retry as told keep it fresh while the failure lasts, and a failure nobody retries is forgotten soon.
 */
const REMEMBER_UNAVAILABLE_MS = 10_000;

/**
 * Turns "the database cannot serve now" (BackendSpecifics.isUnavailable) into StoreUnavailableError carrying
 * its cause, from every store method, so the HTTP layer answers 503 and the CLI says so in one line. Other
 * errors pass as they are. Remembers each write method's last such failure until that method succeeds again
 * (or REMEMBER_UNAVAILABLE_MS pass), for Store.unavailableRecently; a read that fails so says it itself, and
 * remembering it would keep /healthz at 503 after the database is back until that very read ran again.
 */
export function guardAvailability(store: Store, specifics: BackendSpecifics): Store {
  const failedWrites = new Map<string, { readonly cause: string; readonly at: number }>();
  const unavailableRecently = () => {
    const now = performance.now();
    let newest: { readonly cause: string; readonly at: number } | undefined;
    for (const [method, failure] of failedWrites) {
      if (now - failure.at > REMEMBER_UNAVAILABLE_MS) failedWrites.delete(method);
      else if (newest === undefined || failure.at > newest.at) newest = failure;
    }
    return newest?.cause;
  };
  // One wrapper per method, made on its first call: a request calls a few methods (a key, a data version), and
  // making the wrapper on every property read was work per request for nothing.
  const wrappers = new Map<PropertyKey, { readonly method: unknown; readonly wrapper: unknown }>();
  const wrap = (target: Store, property: PropertyKey, method: (...args: unknown[]) => unknown) => {
    const write = typeof property === 'string' && STORE_WRITES.has(property) ? property : undefined;
    // A write that succeeds is no longer one that failed (read by unavailableRecently).
    const succeeded =
      write === undefined
        ? undefined
        : (answer: unknown) => {
            failedWrites.delete(write);
            return answer;
          };
    const failed = (error: unknown) => {
      const unavailable = error instanceof StoreUnavailableError || specifics.isUnavailable(error);
      if (!unavailable) throw error;
      const cause = unavailableCause(error);
      if (write !== undefined) failedWrites.set(write, { cause, at: performance.now() });
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(cause);
    };
    return (...args: unknown[]) => {
      const result: unknown = method.apply(target, args);
      if (!(result instanceof Promise)) return result;
      return succeeded === undefined ? result.catch(failed) : result.then(succeeded, failed);
    };
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'unavailableRecently') return unavailableRecently;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const kept = wrappers.get(property);
      if (kept?.method === value) return kept.wrapper;
      const wrapper = wrap(target, property, value as (...args: unknown[]) => unknown);
      wrappers.set(property, { method: value, wrapper });
      return wrapper;
    },
  });
}
