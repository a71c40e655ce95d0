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
/**
 * Each byte's two hex digits as the 16 bits written for them, the first digit in the low byte (written
 * little-endian, it comes first): a byte takes one lookup and one write.
 */
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
 * the first. The bytes are read 16 bits at a time and their digits written two at a time, through DataViews:
 * under callgrind in the server an id cost 1,471 instructions before, 1,052 with one lookup a byte, about 30%
 * fewer again this way in a script of its own (BENCHMARKS.md, "The replay's own work, cut again").
 */
export function uuidBatch(count: number): string {
  const random = randomFillSync(Buffer.allocUnsafe(16 * count));
  const text = Buffer.allocUnsafe(UUID_LENGTH * count);
  const words = new DataView(random.buffer, random.byteOffset, random.length);
  const digits = new DataView(text.buffer, text.byteOffset, text.length);
  for (let uuid = 0; uuid < count; uuid++) writeUuid(random, words, uuid * 16, digits, uuid * UUID_LENGTH);
  return text.toString('latin1');
}

/**
 * The UUID of the 16 bytes of `random` at `from` (`words` is a view of the same bytes), written into `digits`
 * at `at`: 8-4-4-4-12 hex digits, four to each 16 bits.
 */
function writeUuid(random: Buffer, words: DataView, from: number, digits: DataView, at: number): void {
  // The version (4) in the high nibble of byte 6, the variant (binary 10) in the top bits of byte 8.
  random[from + 6] = ((random[from + 6] as number) & 0x0f) | 0x40;
  random[from + 8] = ((random[from + 8] as number) & 0x3f) | 0x80;
  writeWord(digits, at, words.getUint16(from));
  writeWord(digits, at + 4, words.getUint16(from + 2));
  digits.setUint8(at + 8, HYPHEN);
  writeWord(digits, at + 9, words.getUint16(from + 4));
  digits.setUint8(at + 13, HYPHEN);
  writeWord(digits, at + 14, words.getUint16(from + 6));
  digits.setUint8(at + 18, HYPHEN);
  writeWord(digits, at + 19, words.getUint16(from + 8));
  digits.setUint8(at + 23, HYPHEN);
  writeWord(digits, at + 24, words.getUint16(from + 10));
  writeWord(digits, at + 28, words.getUint16(from + 12));
  writeWord(digits, at + 32, words.getUint16(from + 14));
}

/** The four hex digits of the 16 bits `word`, written into `digits` at `at`. */
function writeWord(digits: DataView, at: number, word: number): void {
  digits.setUint16(at, HEX_PAIRS[word >>> 8] as number, true);
  digits.setUint16(at + 2, HEX_PAIRS[word & 0xff] as number, true);
}
