/**
 * Every error code beta-metrics answers with, its HTTP status and its title. Texts marked "Apple" are the live
 * service's, verbatim (docs/apple-behavior.md, §4); the others are ours where Apple publishes none. docs/errors.md
 * lists the same codes; catalog.test.ts fails when the two drift.
 */
export const ERROR_CATALOG = {
  'PARAMETER_ERROR.INVALID': { status: 400, title: 'A parameter has an invalid value' }, // Apple
  'PARAMETER_ERROR.REQUIRED': { status: 400, title: 'A required parameter is missing' }, // ours, Apple's meaning
  'PARAMETER_ERROR.ILLEGAL': { status: 400, title: 'A given parameter is not allowed for this request' }, // Apple
  ENTITY_ERROR: { status: 400, title: 'The request entity is not valid' }, // ours
  // The ENTITY_ERROR.* family: Apple's codes for a body that breaks the rules, titles in Apple's wording.
  'ENTITY_ERROR.ATTRIBUTE.REQUIRED': {
    status: 400,
    title: 'The provided entity is missing a required attribute',
  },
  'ENTITY_ERROR.ATTRIBUTE.INVALID': {
    status: 400,
    title: 'The provided entity includes an attribute with an invalid value',
  },
  'ENTITY_ERROR.ATTRIBUTE.UNKNOWN': {
    status: 400,
    title: 'The provided entity includes an unknown attribute',
  },
  'ENTITY_ERROR.RELATIONSHIP.INVALID': {
    status: 400,
    title: 'The provided entity includes a relationship with an invalid value',
  },
  'ENTITY_ERROR.RELATIONSHIP.REQUIRED': {
    status: 400,
    title: 'The provided entity is missing a required relationship',
  }, // the title is ours
  BAD_REQUEST: { status: 400, title: 'The request is not a valid HTTP request' }, // ours
  NOT_AUTHORIZED: { status: 401, title: 'Authentication credentials are missing or invalid.' }, // Apple
  FORBIDDEN_ERROR: { status: 403, title: 'This request is forbidden for security reasons' }, // Apple
  NOT_FOUND: { status: 404, title: 'The specified resource does not exist' }, // Apple
  PATH_ERROR: { status: 404, title: 'The URL path is not valid' }, // ours
  METHOD_NOT_ALLOWED: { status: 405, title: 'The request method is not allowed for this resource' }, // ours
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' }, // ours
  STATE_ERROR: {
    status: 409,
    title: 'The request cannot be fulfilled because of the state of another resource.',
  }, // Apple
  REQUEST_ENTITY_TOO_LARGE: { status: 413, title: 'The request entity is too large' }, // ours
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request entity has an unsupported media type' }, // ours
  RATE_LIMIT_EXCEEDED: { status: 429, title: 'The request rate limit has been reached.' }, // Apple
  REQUEST_HEADER_FIELDS_TOO_LARGE: { status: 431, title: 'The request header fields are too large' }, // ours
  UNEXPECTED_ERROR: { status: 500, title: 'An unexpected error occurred' }, // ours
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is unavailable' }, // ours
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
