import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * The key a replayed answer is kept and found under (answer-replay.ts): whose answer, asked of which host (links
 * are built on it when the server listens on every interface), for which target.
 */
export function replayKeyOf(
  keyId: string,
  request: IncomingMessage,
  headers: IncomingHttpHeaders = request.headers,
): string {
  return `${keyId}\u0000${headers.host ?? ''}\u0000${request.url ?? ''}`;
}

/**
 * The last key made, which the next request asks again: made once for a run of equal requests. Once its answer
 * is found it is the kept answer's own text (`adopt`): the Map then finds it, and the recently-used order's
 * `use` knows it for the newest, by reference, where an equal text of its own was compared character by
 * character at every lookup (BENCHMARKS.md, "The same bytes, headers included").
 */
export class LastReplayKey {
  private keyId = '';
  private host: string | undefined;
  private url: string | undefined;
  private key = '';

  /** `headers`: the request's, read once by the caller (each read of `request.headers` is a getter's call). */
  of(keyId: string, request: IncomingMessage, headers: IncomingHttpHeaders): string {
    if (keyId !== this.keyId || headers.host !== this.host || request.url !== this.url) {
      this.keyId = keyId;
      this.host = headers.host;
      this.url = request.url;
      this.key = replayKeyOf(keyId, request, headers);
    }
    return this.key;
  }

  /** Takes `kept`, the text an answer was kept under, found by the last key made, as that key from now on. */
  adopt(kept: string): string {
    this.key = kept;
    return kept;
  }
}
