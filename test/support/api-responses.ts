import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { UsageEventRecord } from '../../src/domain/records/usage-event-record.js';
import type { Store } from '../../src/storage/store.js';
import type { Harness } from './harness.js';

/**
 * What route tests expect on the wire, written from docs/apple-behavior.md, §1 and §4 rather than imported from
 * src/, so a test fails when the code's texts drift from the behaviour document.
 */

export interface ErrorItemBody {
  id: string;
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { parameter: string } | { pointer: string };
}

export type ExpectedError = Omit<ErrorItemBody, 'id' | 'status'>;

export interface PagedBody<T> {
  data: T[];
  links: { self: string; next?: string };
  meta: { paging: { total: number; limit: number } };
}

export interface UsageItem {
  type: string;
  dataPoints: Array<{
    start: string;
    end: string;
    values: { crashCount: number; sessionCount: number; feedbackCount: number };
  }>;
  dimensions: {
    betaTesters: { data: { type: string; id: string }; links: { related: string; groupBy: string } };
  };
}

export interface ResourceItem {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, unknown>;
  links: { self: string };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const invalid = (name: string, value: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.INVALID',
  title: 'A parameter has an invalid value',
  detail: `'${value}' is not a valid value for the parameter '${name}'`,
  source: { parameter: name },
});

export const invalidField = (parameter: string, field: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.INVALID',
  title: 'A parameter has an invalid value',
  detail: `'${field}' is not a valid field name`,
  source: { parameter },
});

export const invalidFilter = (parameter: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.INVALID',
  title: 'A parameter has an invalid value',
  detail: `'${parameter.slice('filter['.length, -1)}' is not a valid filter type`,
  source: { parameter },
});

export const unservedType = (parameter: string, name: string, type: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.INVALID',
  title: 'A parameter has an invalid value',
  detail: `'${name}' is of type '${type}', which beta-metrics does not serve: it serves the TestFlight resources only`,
  source: { parameter },
});

export const invalidCursor = (cursor: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.INVALID',
  title: 'A parameter has an invalid value',
  detail: `'${cursor}' is not a valid cursor for this request`,
  source: { parameter: 'cursor' },
});

export const illegal = (name: string): ExpectedError => ({
  code: 'PARAMETER_ERROR.ILLEGAL',
  title: 'A given parameter is not allowed for this request',
  detail: `The parameter '${name}' can not be used with this request`,
  source: { parameter: name },
});

export const REQUIRED: ExpectedError = {
  code: 'PARAMETER_ERROR.REQUIRED',
  title: 'A required parameter is missing',
  detail: "This endpoint requires either the 'groupBy' or the 'filter[betaTesters]' parameter",
};

export const NOT_AUTHORIZED: ExpectedError = {
  code: 'NOT_AUTHORIZED',
  title: 'Authentication credentials are missing or invalid.',
  detail:
    'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
};

export const FORBIDDEN: ExpectedError = {
  code: 'FORBIDDEN_ERROR',
  title: 'This request is forbidden for security reasons',
  detail: 'The API key in use does not allow this request',
};

export const notFound = (type: string, id: string): ExpectedError => ({
  code: 'NOT_FOUND',
  title: 'The specified resource does not exist',
  detail: `There is no resource of type '${type}' with id '${id}'`,
});

export const PATH_ERROR: ExpectedError = {
  code: 'PATH_ERROR',
  title: 'The URL path is not valid',
  detail: 'The path provided does not match a defined resource type',
};

export const RATE_LIMITED: ExpectedError = {
  code: 'RATE_LIMIT_EXCEEDED',
  title: 'The request rate limit has been reached.',
  detail:
    "We've received too many requests for this API. Please wait and try again or slow down your request rate.",
};

/** Asserts Apple's ErrorResponse: the status, one item per expected error in order, each with a fresh UUID. */
export function expectErrors(
  response: LightMyRequestResponse,
  status: number,
  expected: readonly ExpectedError[],
): void {
  expect({ status: response.statusCode, body: response.json() }).toEqual({
    status,
    body: {
      errors: expected.map((item) => ({ id: expect.stringMatching(UUID), status: String(status), ...item })),
    },
  });
  expect(response.headers['content-type']).toBe('application/json');
}

/** A request with no Authorization header at all. */
export function getWithoutToken(harness: Harness, url: string): Promise<LightMyRequestResponse> {
  return harness.app.inject({ method: 'GET', url });
}

/** A GET signed with another key's token. */
export async function getAs(
  harness: Harness,
  key: Awaited<ReturnType<Harness['createKey']>>,
  url: string,
): Promise<LightMyRequestResponse> {
  return harness.get(url, { authorization: `Bearer ${await harness.token(key)}` });
}

/** The path and query of an absolute link, to request it in process. */
export function localUrl(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Follows `links.next` from `url` to the last page (at most `maxPages`), returning every page in order. */
export async function allPages<T>(harness: Harness, url: string, maxPages = 100): Promise<PagedBody<T>[]> {
  const pages: PagedBody<T>[] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages from ${url}`);
    const response = await harness.get(next);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<PagedBody<T>>();
    pages.push(page);
    next = page.links.next === undefined ? undefined : localUrl(page.links.next);
  }
  return pages;
}

/** The `cursor` of a `next` link. */
export function cursorOf(link: string): string {
  const cursor = new URL(link).searchParams.get('cursor');
  if (cursor === null) throw new Error(`no cursor in ${link}`);
  return cursor;
}

/** Adds testers to an existing app and makes them installed (an install event at `at`). */
export async function installTesters(store: Store, appId: string, ids: readonly string[], at: string) {
  const fresh = [];
  for (const id of ids) {
    if ((await store.findTester(id)) === undefined) {
      fresh.push({
        id,
        email: `${id}@example.com`,
        firstName: 'Late',
        lastName: id,
        inviteType: 'EMAIL' as const,
        createdAt: at,
      });
    }
  }
  await store.createTesters(fresh);
  await store.addTestersToApps(ids.map((testerId) => ({ appId, testerId, state: 'INVITED', invitedAt: at })));
  await addEvents(store, appId, ids, 'install', 1, at);
}

/** Appends `count` events of `type` for each tester, all at the instant `at`. */
export async function addEvents(
  store: Store,
  appId: string,
  testerIds: readonly string[],
  type: UsageEventRecord['type'],
  count: number,
  at: string,
): Promise<void> {
  const events: UsageEventRecord[] = [];
  for (const testerId of testerIds) {
    for (let n = 0; n < count; n++) {
      events.push({ id: randomUUID(), appId, testerId, type, occurredAt: at, receivedAt: at });
    }
  }
  await store.appendUsageEvents(events);
}
