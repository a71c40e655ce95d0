import { StoreUnavailableError } from '../domain/store-problems.js';

/**
 * The cause StoreUnavailableError carries: `code: first line of the message`, at most 200 characters. Storage
 * knowledge (what drivers' errors look like, that their messages may quote a connection string), so it lives
 * here while the error itself is in domain/store-problems.ts.
 */
export function unavailableCause(error: unknown): string {
  if (error instanceof StoreUnavailableError) return error.cause;
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const firstLine = (typeof message === 'string' ? message : String(error)).split('\n')[0]?.trim() ?? '';
  const text = [typeof code === 'string' ? code : undefined, firstLine || undefined]
    .filter((part) => part !== undefined)
    .join(': ');
  // A driver's message may quote a connection string; never pass on its password.
  return (text || 'unknown').replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 200);
}
