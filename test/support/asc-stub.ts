import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for Apple's App Store Connect API (node:http): each request gets the answer the test's
 * `respond` gives it, so a test replays Apple's documented bodies, the live service's quirks and its failures.
 */

export interface StubRequest {
  /** Path and query as the client sent them. */
  readonly url: string;
  readonly authorization: string | undefined;
  /** Date.now() when the request arrived, and when the stub answered it (or hung up). */
  readonly receivedAt: number;
  answeredAt: number;
}

export type StubAnswer =
  | {
      readonly status: number;
      readonly headers?: Record<string, string>;
      /** A string goes as it is; anything else as JSON. */
      readonly body?: unknown;
    }
  | { readonly hangUp: true }
  /** Never answers (the connection stays open until the stub closes). */
  | { readonly stall: true };

export type Respond = (request: StubRequest, index: number) => StubAnswer;

export interface AscStub {
  /** `http://127.0.0.1:<port>`: the client's base URL. */
  readonly url: string;
  /** Every request so far, in the order they arrived. */
  readonly requests: StubRequest[];
  /** What the stub answers; replace it at any time. */
  respond: Respond;
  close(): Promise<void>;
}

export async function startAscStub(respond: Respond): Promise<AscStub> {
  const requests: StubRequest[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const seen: StubRequest = {
      url: request.url ?? '/',
      authorization: request.headers.authorization,
      receivedAt: Date.now(),
      answeredAt: 0,
    };
    requests.push(seen);
    const answer = stub.respond(seen, requests.length - 1);
    seen.answeredAt = Date.now();
    if ('hangUp' in answer) {
      request.socket.destroy();
      return;
    }
    if ('stall' in answer) return;
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(text);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stub: AscStub = {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return stub;
}

/** Answers in turn; the last one again for every later request. */
export function inTurn(...answers: StubAnswer[]): Respond {
  return (_request, index) => {
    const answer = answers[Math.min(index, answers.length - 1)];
    if (answer === undefined) throw new Error('inTurn needs at least one answer');
    return answer;
  };
}

/** Apple's ErrorResponse with one item per error, `status` a string as on the wire. */
export function appleErrors(
  status: number,
  ...errors: Array<{ code: string; title: string; detail: string; source?: { parameter: string } }>
) {
  return {
    errors: errors.map((error, n) => ({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      status: String(status),
      ...error,
    })),
  };
}

/** Apple's texts (docs/apple-behavior.md, §4). */
export const NOT_AUTHORIZED = {
  code: 'NOT_AUTHORIZED',
  title: 'Authentication credentials are missing or invalid.',
  detail:
    'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
};
export const FORBIDDEN = {
  code: 'FORBIDDEN_ERROR',
  title: 'This request is forbidden for security reasons',
  detail: 'The API key in use does not allow this request',
};
export const RATE_LIMITED = {
  code: 'RATE_LIMIT_EXCEEDED',
  title: 'The request rate limit has been reached.',
  detail:
    "We've received too many requests for this API. Please wait and try again or slow down your request rate.",
};
export const notFound = (appId: string) => ({
  code: 'NOT_FOUND',
  title: 'The specified resource does not exist',
  detail: `There is no resource of type 'apps' with id '${appId}'`,
});
