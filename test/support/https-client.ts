import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { type RawConnection, recorded } from './raw-http.js';

/**
 * HTTPS spoken to a server whose certificate only the test trusts: every request is given that certificate as
 * its one `ca`, so a client that would accept anything else (the system's roots, no check at all) fails.
 */

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export function httpsRequest(
  url: string,
  options: {
    ca: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        ...(options.signal !== undefined && { signal: options.signal }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    sent.on('error', reject);
    sent.end(options.body);
  });
}

/** A `fetch` over `httpsRequest`, for code that takes one (`createClient({ fetch })`). */
export function httpsFetch(ca: string): typeof globalThis.fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const answer = await httpsRequest(url, {
      ca,
      method: init?.method ?? 'GET',
      headers,
      ...(typeof init?.body === 'string' && { body: init.body }),
      ...(init?.signal && { signal: init.signal }),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        responseHeaders.append(name, one);
      }
    }
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.body, { status: answer.status, headers: responseHeaders });
  };
}

/**
 * A TLS connection to 127.0.0.1:`port` trusting `ca`, resolved once the handshake is done; raw bytes after.
 * `alpn`: the protocols offered, most wanted first.
 */
export function openTlsRaw(
  port: number,
  ca: string,
  alpn?: string[],
): Promise<RawConnection & { readonly socket: TLSSocket }> {
  const socket = connectTls({
    host: '127.0.0.1',
    port,
    ca,
    ...(alpn !== undefined && { ALPNProtocols: alpn }),
  });
  return recorded(socket, 'secureConnect');
}

/** Plain bytes to a port: resolves with what came back before the server closed the connection. */
export function plainExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', () => {});
    socket.once('connect', () => socket.write(bytes));
    socket.once('close', () => resolve(data));
  });
}
