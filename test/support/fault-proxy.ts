import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to a request instead of passing it through. `afterServer`: the request reaches the
 * server first (its events are committed) and only the answer is lost — the hard case for exactly-once.
 */
export type Fault =
  | {
      readonly answer: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
      readonly afterServer?: boolean;
    }
  | { readonly hangUp: true; readonly afterServer?: boolean }
  /** Passes the request through: to fail a later request and not this one. */
  | { readonly pass: true };

export interface ProxiedRequest {
  /** The request's path, like `/ingest/v1/events`. */
  readonly path: string;
  /** Its Content-Type header, when it had one. */
  readonly contentType?: string;
  /** The bytes of its body. */
  readonly body: Buffer;
  /** Date.now() when the request arrived, and when the proxy answered it (or hung up). */
  readonly receivedAt: number;
  readonly answeredAt: number;
  /** The ids of the events in the body, in order (none for a body that is not a batch). */
  readonly ids: readonly string[];
  /** The status the client got, or 'hang-up'. */
  readonly status: number | 'hang-up';
  /** The server's answer, parsed, when it reached the server. */
  readonly serverBody?: unknown;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the client as its endpoint. */
  readonly url: string;
  /** Every request so far, in the order they were answered. */
  readonly requests: ProxiedRequest[];
  /** Applies `fault` to the next `count` requests (after the faults already queued). */
  failNext(count: number, fault: Fault): void;
  /** Runs when a request arrives, before anything else happens to it. */
  onRequest?: (ids: readonly string[]) => void;
  /** Every event id sent so far, counting repeats. */
  sentIds(): string[];
  close(): Promise<void>;
}

/** A node:http proxy in front of a real beta-metrics server that can fail requests on demand. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const requests: ProxiedRequest[] = [];
  const proxy: FaultProxy = {
    url: '',
    requests,
    failNext(count, fault) {
      for (let n = 0; n < count; n++) faults.push(fault);
    },
    sentIds: () => requests.flatMap((request) => request.ids),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = Date.now();
    const body = await readBody(request);
    const ids = idsOf(body.toString('utf8'));
    proxy.onRequest?.(ids);
    const next = faults.shift();
    const fault = next === undefined || 'pass' in next ? undefined : next;
    const path = request.url ?? '/';
    const contentType = request.headers['content-type'];
    const record = (status: number | 'hang-up', serverBody?: unknown) =>
      requests.push({
        path,
        ...(contentType !== undefined && { contentType }),
        body,
        receivedAt,
        answeredAt: Date.now(),
        ids,
        status,
        serverBody,
      });

    let upstream: { status: number; headers: Record<string, string>; text: string } | undefined;
    if (fault === undefined || fault.afterServer === true) upstream = await forward(target, request, body);
    const serverBody = upstream === undefined ? undefined : parse(upstream.text);
    if (fault !== undefined && 'hangUp' in fault) {
      record('hang-up', serverBody);
      request.socket.destroy();
      return;
    }
    const answer =
      fault === undefined ? upstream : { status: fault.answer, headers: {}, text: fault.body ?? '' };
    if (answer === undefined) throw new Error('unreachable: no answer');
    record(answer.status, serverBody);
    response.writeHead(answer.status, { ...answer.headers, ...(fault?.headers ?? {}) });
    response.end(answer.text);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, { url: `http://127.0.0.1:${port}` });
}

async function forward(target: string, request: IncomingMessage, body: Buffer) {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = await fetch(`${target}${request.url ?? '/'}`, {
    method: request.method ?? 'GET',
    headers,
    ...(request.method === 'POST' && { body }),
  });
  const passed: Record<string, string> = {};
  for (const name of ['content-type', 'retry-after', 'x-request-id', 'x-rate-limit']) {
    const value = upstream.headers.get(name);
    if (value !== null) passed[name] = value;
  }
  return { status: upstream.status, headers: passed, text: await upstream.text() };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function idsOf(body: string): string[] {
  const events = (parse(body) as { events?: unknown } | undefined)?.events;
  if (!Array.isArray(events)) return [];
  return events.map((event) => String((event as { id?: unknown } | null)?.id));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
