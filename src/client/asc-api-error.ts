/** One item of Apple's `ErrorResponse` (`{"errors": [...]}`), as the server sent it. */
export interface AscErrorItem {
  readonly id?: string;
  /** The HTTP status as a string, the way Apple writes it (`"404"`). */
  readonly status?: string;
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly source?: { readonly parameter?: string; readonly pointer?: string };
}

/**
 * Codes of failures that are not Apple's: no answer at all (after the retries), or an answer that is not the
 * API's (not JSON, or JSON of another shape, e.g. from a proxy or a captive portal).
 */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const UNEXPECTED_RESPONSE = 'UNEXPECTED_RESPONSE';

export interface AscApiErrorDetails {
  /** The HTTP status; 0 when no answer arrived. */
  readonly status: number;
  readonly errors?: readonly AscErrorItem[];
  /** The `X-Request-ID` of the answer, to quote to the server's operator (or Apple). */
  readonly requestId?: string;
  /** The URL requested (it never carries the token). */
  readonly url: string;
  /** For a code of ours: what went wrong. */
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly cause?: unknown;
}

/**
 * A request the App Store Connect API (or beta-metrics) refused, or that could not be made. `code`, `title` and
 * `detail` are those of Apple's first error; `errors` holds all of them. The message never contains a token.
 */
export class AscApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly errors: readonly AscErrorItem[];
  readonly url: string;

  constructor(details: AscApiErrorDetails) {
    const errors = details.errors ?? [];
    const first = errors[0];
    const code = details.code ?? first?.code ?? UNEXPECTED_RESPONSE;
    const title = details.title ?? first?.title ?? `HTTP ${details.status}`;
    const detail = details.detail ?? first?.detail ?? '';
    const status = details.status === 0 ? 'no answer' : String(details.status);
    const request = details.requestId === undefined ? '' : ` (request id ${details.requestId})`;
    super(
      `${status} ${code}: ${detail || title}${request}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'AscApiError';
    this.status = details.status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.requestId = details.requestId;
    this.errors = errors;
    this.url = details.url;
  }
}

/** The error an answer stands for: Apple's ErrorResponse when the body is one, else UNEXPECTED_RESPONSE. */
export function errorFromAnswer(status: number, text: string, requestId: string | undefined, url: string) {
  const errors = errorItems(text);
  const base = { status, url, ...(requestId !== undefined && { requestId }) };
  if (errors.length > 0) return new AscApiError({ ...base, errors });
  return new AscApiError({
    ...base,
    code: UNEXPECTED_RESPONSE,
    title: `HTTP ${status}`,
    detail: `the answer is not an App Store Connect error response: ${text.slice(0, 120).trim()}`,
  });
}

function errorItems(text: string): AscErrorItem[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((item): item is AscErrorItem => typeof item === 'object' && item !== null);
}
