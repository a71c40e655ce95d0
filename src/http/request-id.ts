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
const HYPHEN = 0x2d;
/** Each byte's two hex digits (the first in the low byte), so that a byte takes one lookup, not two. */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, byte) => {
  const digit = (value: number) => '0123456789abcdef'.charCodeAt(value);
  return digit(byte >> 4) | (digit(byte & 0x0f) << 8);
});

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

/**
 * `count` random UUIDs written one after another, as RFC 9562 lays out version 4. Each is written by calls of
 * their own: a batch is made once per thousand answers, too seldom for V8 to optimize a function that loops over
 * all of them, which ran in its baseline tier in the server (`node --trace-opt --trace-osr`: the loop's
 * optimized code was made but never entered); functions called a thousand times a batch are optimized within
 * the first. With that and one lookup a byte rather than two, an id cost 1,052 instructions under callgrind in
 * the server, not 1,471 (BENCHMARKS.md, "The replay's own work, cut again").
 */
export function uuidBatch(count: number): string {
  const random = randomFillSync(Buffer.allocUnsafe(16 * count));
  const text = Buffer.allocUnsafe(UUID_LENGTH * count);
  for (let uuid = 0; uuid < count; uuid++) writeUuid(random, uuid * 16, text, uuid * UUID_LENGTH);
  return text.toString('latin1');
}

/** The UUID of the 16 bytes of `random` at `from`, written into `text` at `at`: 8-4-4-4-12 hex digits. */
function writeUuid(random: Buffer, from: number, text: Buffer, at: number): void {
  // The version (4) in the high nibble of byte 6, the variant (binary 10) in the top bits of byte 8.
  random[from + 6] = ((random[from + 6] as number) & 0x0f) | 0x40;
  random[from + 8] = ((random[from + 8] as number) & 0x3f) | 0x80;
  writeHex(random, from, 4, text, at);
  text[at + 8] = HYPHEN;
  writeHex(random, from + 4, 2, text, at + 9);
  text[at + 13] = HYPHEN;
  writeHex(random, from + 6, 2, text, at + 14);
  text[at + 18] = HYPHEN;
  writeHex(random, from + 8, 2, text, at + 19);
  text[at + 23] = HYPHEN;
  writeHex(random, from + 10, 6, text, at + 24);
}

/** The `bytes` bytes of `random` at `from` in hex digits, written into `text` at `at`. */
function writeHex(random: Buffer, from: number, bytes: number, text: Buffer, at: number): void {
  for (let index = 0; index < bytes; index++) {
    const pair = HEX_PAIRS[random[from + index] as number] as number;
    text[at + 2 * index] = pair & 0xff;
    text[at + 2 * index + 1] = pair >> 8;
  }
}
