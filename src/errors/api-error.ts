import { ERROR_CATALOG, type ErrorCode } from './catalog.js';

/** Where in the request an error lies: a query parameter, or a JSON pointer into the body. */
export type ErrorSource = { parameter: string } | { pointer: string };

export interface ErrorItem {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly source?: ErrorSource;
}

/**
 * The one error type that reaches the wire. It carries one or more items of the same HTTP status; the single
 * error handler in http/ turns it into Apple's ErrorResponse. Anything else thrown becomes UNEXPECTED_ERROR.
 */
export class ApiError extends Error {
  readonly items: readonly ErrorItem[];
  readonly status: number;
  /** Extra response headers this error needs (for example `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * `status` overrides the catalog's for the same codes answered elsewhere with another status: the entity errors
   * of the API's writes are 409, those of ingestion 400 (docs/errors.md).
   */
  constructor(items: readonly ErrorItem[], headers: Record<string, string> = {}, status?: number) {
    const first = items[0];
    if (first === undefined) throw new TypeError('ApiError needs at least one item');
    super(`${first.code}: ${first.detail}`);
    this.name = 'ApiError';
    this.items = items;
    this.status = status ?? ERROR_CATALOG[first.code].status;
    this.headers = headers;
  }

  static of(code: ErrorCode, detail: string, source?: ErrorSource): ApiError {
    return new ApiError([source === undefined ? { code, detail } : { code, detail, source }]);
  }
}
