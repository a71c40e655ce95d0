import { ApiError, type ErrorItem } from './api-error.js';

/**
 * Constructors for the errors of docs/apple-behavior.md, §4, so each text is written once. Details marked "Apple"
 * are the live service's, verbatim.
 */

export function invalidParameterItem(name: string, value: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `'${value}' is not a valid value for the parameter '${name}'`,
    source: { parameter: name },
  };
}

export function invalidCursorItem(cursor: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `'${cursor}' is not a valid cursor for this request`,
    source: { parameter: 'cursor' },
  };
}

/** `fields[...]` naming a field its type does not have (docs/apple-behavior.md, §9: Apple's text). */
export function invalidFieldItem(parameter: string, field: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `'${field}' is not a valid field name`, // Apple
    source: { parameter },
  };
}

/** `filter[...]` the operation does not declare (docs/apple-behavior.md, §9: Apple's text). */
export function invalidFilterItem(parameter: string, filter: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `'${filter}' is not a valid filter type`, // Apple
    source: { parameter },
  };
}

/**
 * `include` or `fields[...]` asking for a type of Apple's API outside the TestFlight slice: declared by the spec,
 * but beta-metrics keeps no such data and never invents it (docs/apple-behavior.md, "Resources").
 */
export function unservedTypeItem(parameter: string, name: string, type: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `'${name}' is of type '${type}', which beta-metrics does not serve: it serves the TestFlight resources only`,
    source: { parameter },
  };
}

export function illegalParameterItem(name: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.ILLEGAL',
    detail: `The parameter '${name}' can not be used with this request`, // Apple
    source: { parameter: name },
  };
}

export function requiredParameterItem(detail: string): ErrorItem {
  return { code: 'PARAMETER_ERROR.REQUIRED', detail };
}

export function notAuthorized(): ApiError {
  return ApiError.of(
    'NOT_AUTHORIZED',
    // Apple, verbatim.
    'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
  );
}

/** 401 for ingestion: Apple's code and title, and a detail about the key ingestion takes. */
export function ingestKeyRefused(): ApiError {
  return ApiError.of(
    'NOT_AUTHORIZED',
    "Provide the app's ingest key as 'Authorization: Bearer <key>'; an operator creates one with 'beta-metrics ingest-keys create --app <app id>'",
  );
}

export function forbidden(): ApiError {
  return ApiError.of('FORBIDDEN_ERROR', 'The API key in use does not allow this request'); // Apple
}

export function resourceNotFound(type: string, id: string): ApiError {
  return ApiError.of('NOT_FOUND', `There is no resource of type '${type}' with id '${id}'`); // Apple
}

export function pathNotFound(): ApiError {
  return ApiError.of('PATH_ERROR', 'The path provided does not match a defined resource type');
}

export function methodNotAllowed(method: string, allowed: readonly string[]): ApiError {
  return new ApiError(
    [
      {
        code: 'METHOD_NOT_ALLOWED',
        detail: `The method '${method}' is not allowed for this resource; allowed: ${allowed.join(', ')}`,
      },
    ],
    { allow: allowed.join(', ') },
  );
}

/** 409: what Apple answers a create of something that exists (its `STATE_ERROR`), or ours with `detail`. */
export function stateConflict(detail = 'You already have such an entity'): ApiError {
  return ApiError.of('STATE_ERROR', detail); // Apple's detail by default
}

/** 413 for a batch of more events than the server takes in one request. */
export function tooManyEvents(maxEvents: number, events: number): ApiError {
  return ApiError.of(
    'REQUEST_ENTITY_TOO_LARGE',
    `A batch holds at most ${maxEvents} events; this one has ${events}. Send them in smaller batches.`,
  );
}

/** 429 for an ingestion request while its app already has as many batches in flight on this node as it may. */
export function ingestionBusy(maxConcurrentBatches: number): ApiError {
  return new ApiError(
    [
      {
        code: 'RATE_LIMIT_EXCEEDED',
        detail: `This app already has ${maxConcurrentBatches} batches being written on this server; send this one again after Retry-After, or send fewer batches at once`,
      },
    ],
    { 'retry-after': '1' },
  );
}

/** 429 for a screenshot upload while its app already has as many uploads in flight on this node as it may. */
export function uploadsBusy(maxConcurrent: number): ApiError {
  return new ApiError(
    [
      {
        code: 'RATE_LIMIT_EXCEEDED',
        detail: `This app already has ${maxConcurrent} uploads being read on this server; send this one again after Retry-After, or send fewer at once`,
      },
    ],
    { 'retry-after': '1' },
  );
}

/** 413 for a screenshot body over the server's limit, before any of it beyond the limit is read. */
export function screenshotTooLarge(maxBytes: number): ApiError {
  return ApiError.of(
    'REQUEST_ENTITY_TOO_LARGE',
    `A screenshot is at most ${maxBytes} bytes; send a smaller image (a JPEG or HEIC of a screen is far smaller)`,
  );
}

export function rateLimitExceeded(): ApiError {
  return ApiError.of(
    'RATE_LIMIT_EXCEEDED',
    "We've received too many requests for this API. Please wait and try again or slow down your request rate.", // Apple
  );
}

/**
 * 503 while the database cannot serve (out of reach, refusing connections, read-only, out of disk); clients
 * retry after the few seconds Retry-After gives.
 */
export function serviceUnavailable(): ApiError {
  return new ApiError(
    [
      {
        code: 'SERVICE_UNAVAILABLE',
        detail: 'The service cannot use its database right now. Please wait and try again.',
      },
    ],
    { 'retry-after': '5' },
  );
}

export function unexpectedError(): ApiError {
  // Apple's text, with this server's operator in place of Apple's contact page.
  return ApiError.of(
    'UNEXPECTED_ERROR',
    'An unexpected error occurred on the server side. If this issue continues, contact the operator of this server and quote the X-Request-ID of this response.',
  );
}

/** 400 for bytes Node's HTTP parser refuses; `reason` is the parser's own fixed text, never the request's bytes. */
export function malformedRequest(reason: string): ApiError {
  return ApiError.of('BAD_REQUEST', `The request could not be parsed as HTTP/1.1: ${reason}`);
}

/** 400 for an HTTP/1.1 request without Host, which HTTP/1.1 requires (RFC 9112 §3.2). */
export function missingHost(): ApiError {
  return new ApiError([{ code: 'BAD_REQUEST', detail: 'An HTTP/1.1 request must carry a Host header' }], {
    connection: 'close',
  });
}

/** 408: the head or the whole request took longer than the server waits. */
export function requestTimedOut(headersTimeoutMs: number, requestTimeoutMs: number): ApiError {
  return ApiError.of(
    'REQUEST_TIMEOUT',
    `The request did not arrive in time; send the request head within ${seconds(headersTimeoutMs)} and the whole request within ${seconds(requestTimeoutMs)}`,
  );
}

/** 431: Node's parser counts the URL and the header fields against one limit. */
export function requestHeadTooLarge(maxHeaderBytes: number): ApiError {
  return ApiError.of(
    'REQUEST_HEADER_FIELDS_TOO_LARGE',
    `The request's URL and header fields together exceed ${Math.round(maxHeaderBytes / 1024)} KB; send a shorter URL or fewer headers`,
  );
}

/** 413 for a chunked body whose chunk extensions exceed Node's limit. */
export function chunkExtensionsTooLarge(): ApiError {
  return ApiError.of(
    'REQUEST_ENTITY_TOO_LARGE',
    'The chunk extensions of the request body are larger than the server reads',
  );
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
