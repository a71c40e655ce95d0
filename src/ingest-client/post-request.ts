import { IngestClientError } from './ingest-client-error.js';

export interface PostConfig {
  readonly ingestKey: string;
  readonly fetch: typeof fetch;
}

/** The server's answer as read, or the network error that stood for it. */
export type PostAnswer =
  | { readonly status: number; readonly retryAfter: string | null; readonly text: string }
  | { readonly error: IngestClientError };

/**
 * POSTs `body` with the ingest key, abandoning the request after `timeoutMs`. Never throws: no answer is a
 * 'network' error, which the flusher retries.
 */
export async function postRequest(
  config: PostConfig,
  url: string,
  headers: Record<string, string>,
  body: string | ArrayBuffer,
  timeoutMs: number,
): Promise<PostAnswer> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = controller === undefined ? undefined : setTimeout(() => controller.abort(), timeoutMs);
  unrefTimer(timer);
  try {
    const response = await config.fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.ingestKey}`, accept: 'application/json', ...headers },
      body,
      ...(controller !== undefined && { signal: controller.signal }),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const message = `The ingest server could not be reached: ${reason}`;
    return { error: new IngestClientError('network', message, { cause }) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Lets Node exit while a timer waits; browsers and React Native have no unref (and need none). */
export function unrefTimer(timer: unknown): void {
  const handle = timer as { unref?: () => void } | undefined;
  if (typeof handle?.unref === 'function') handle.unref();
}
