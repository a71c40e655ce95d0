import { expect } from 'vitest';
import { type ErrorItemBody, type PagedBody, type UsageItem, UUID } from './api-responses.js';

/** Requests to a running server (`http://127.0.0.1:<port>`), as a client of one node of several makes them. */

export type UsageType = 'install' | 'session' | 'crash' | 'feedback';
export interface Values {
  crashCount: number;
  sessionCount: number;
  feedbackCount: number;
}
export const values = (sessionCount: number, crashCount = 0, feedbackCount = 0): Values => ({
  crashCount,
  sessionCount,
  feedbackCount,
});

/** One event, `secondsAgo` before now (within the last day, so every period counts it). */
export function usageEvent(id: string, type: UsageType, appId: string, testerId: string, secondsAgo = 60) {
  return { id, type, appId, testerId, timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString() };
}

/** POST /ingest/v1/events: the status and the parsed body. */
export async function ingest(
  baseUrl: string,
  ingestKey: string,
  events: readonly object[],
): Promise<{ status: number; body: { accepted?: number; duplicates?: number } }> {
  const response = await fetch(`${baseUrl}/ingest/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { accepted?: number; duplicates?: number },
  };
}

/** GET `url` with `authorization`: the response with its JSON body read. */
export async function getJson<T>(
  url: string,
  authorization: string,
): Promise<{ response: Response; body: T }> {
  const response = await fetch(url, { headers: { authorization } });
  return { response, body: (await response.json()) as T };
}

export const usagePath = (appId: string, query = 'groupBy=betaTesters&period=P7D&limit=200') =>
  `/v1/apps/${appId}/metrics/betaTesterUsages?${query}`;

/** A tester's metrics over the apps of `appIds` (GET /v1/betaTesters/{id}/metrics/betaTesterUsages). */
export const testerUsagePath = (testerId: string, appIds: readonly string[]) =>
  `/v1/betaTesters/${testerId}/metrics/betaTesterUsages?filter%5Bapps%5D=${appIds.join('%2C')}`;

/** The status `baseUrl` answers a request with (its body read and dropped). */
export async function statusOf(
  baseUrl: string,
  path: string,
  authorization: string,
  method = 'GET',
): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization } });
  await response.arrayBuffer();
  return response.status;
}

/** An app's metrics per tester as `baseUrl` answers them (one page of up to 200 testers). */
export async function usageByTester(
  baseUrl: string,
  authorization: string,
  appId: string,
): Promise<Record<string, Values | undefined>> {
  const { response, body } = await getJson<PagedBody<UsageItem>>(
    `${baseUrl}${usagePath(appId)}`,
    authorization,
  );
  expect(response.status, JSON.stringify(body)).toBe(200);
  return Object.fromEntries(
    body.data.map((item) => [item.dimensions.betaTesters.data.id, item.dataPoints[0]?.values]),
  );
}

/** The `X-Rate-Limit` header Apple sends with `remaining` requests left of `limit`. */
export const rateLimitHeader = (remaining: number, limit = 3600) =>
  `user-hour-lim:${limit};user-hour-rem:${remaining};`;

/** Asserts Apple's error shape: one item of `status` and `code`, a UUID id, application/json. */
export async function expectAppleError(
  response: Response,
  status: number,
  code: string,
): Promise<ErrorItemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as { errors: ErrorItemBody[] };
  expect(body.errors).toHaveLength(1);
  const item = body.errors[0] as ErrorItemBody;
  expect(item).toMatchObject({ status: String(status), code });
  expect(item.id).toMatch(UUID);
  expect(typeof item.title).toBe('string');
  expect(typeof item.detail).toBe('string');
  return item;
}
