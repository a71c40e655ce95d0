import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request's id, its answer's `X-Request-ID` and its log lines' `requestId`: the caller's, when it sent a sane
 * one, else a fresh UUID. Fastify's `genReqId` (main/create-app.ts) and the answer replay (answer-replay.ts) both
 * take it from here.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : freshUuid();
}

/** UUIDs made at once: 16 KB of random bytes, 36 KB of text. */
const UUIDS_PER_BATCH = 1024;
const UUID_LENGTH = 36;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const HYPHEN = 0x2d;

let batch = '';
let nextInBatch = UUIDS_PER_BATCH;

/**
 * A random (version 4) UUID, as `crypto.randomUUID()` makes, but a thousand at a time: each is then a slice of
 * one string. randomUUID joins each id's text from 20 pieces, 586 bytes of garbage for every answer (6%
 * of a replayed answer's) and twice the time of a slice (120-136 ns against 59-79 on a slow VM:
 * BENCHMARKS.md, "Instructions of a replayed answer"). A kept slice keeps its batch's text: the journal's
 * thousand entries hold two.
 */
export function freshUuid(): string {
  if (nextInBatch === UUIDS_PER_BATCH) {
    batch = uuidBatch(UUIDS_PER_BATCH);
    nextInBatch = 0;
  }
  const start = nextInBatch * UUID_LENGTH;
  nextInBatch++;
  return batch.slice(start, start + UUID_LENGTH);
}

/** `count` random UUIDs written one after another, as RFC 9562 lays out version 4. */
export function uuidBatch(count: number): string {
  const random = randomFillSync(Buffer.allocUnsafe(16 * count));
  const text = Buffer.allocUnsafe(UUID_LENGTH * count);
  let at = 0;
  for (let uuid = 0; uuid < count; uuid++) {
    const from = uuid * 16;
    // The version (4) in the high nibble of byte 6, the variant (binary 10) in the top bits of byte 8.
    random[from + 6] = ((random[from + 6] as number) & 0x0f) | 0x40;
    random[from + 8] = ((random[from + 8] as number) & 0x3f) | 0x80;
    for (let index = 0; index < 16; index++) {
      if (index === 4 || index === 6 || index === 8 || index === 10) text[at++] = HYPHEN;
      const byte = random[from + index] as number;
      text[at++] = HEX_DIGITS[byte >> 4] as number;
      text[at++] = HEX_DIGITS[byte & 0x0f] as number;
    }
  }
  return text.toString('latin1');
}
