import { Agent, request } from 'node:http';

/** One keep-alive connection per target, as a client paging through answers would use. */
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Closes the kept-alive connections not in use. The raw-insert baseline runs synchronously on the bench's own
 * thread for seconds, during which the server closes idle connections unseen (its keep-alive timeout): the next
 * request would reuse one and fail with "socket hang up".
 */
export function closeIdleConnections(): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Names and values as sent, one after the other. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** From sending the request to the last byte of the answer. */
  readonly ms: number;
}

export function send(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GET that must answer 200; its body as JSON. */
export async function getJson<T>(
  url: string,
  headers: Record<string, string>,
): Promise<{ body: T; ms: number; raw: Buffer; rawHeaders: readonly string[] }> {
  const answer = await send('GET', url, headers);
  if (answer.status !== 200)
    throw new Error(`GET ${url}: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
  return {
    body: JSON.parse(answer.body.toString()) as T,
    ms: answer.ms,
    raw: answer.body,
    rawHeaders: answer.rawHeaders,
  };
}
