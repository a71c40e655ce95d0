import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  heapSizedByOperator,
  keepHeapLean,
  LEAN_HEAP_FLAGS,
  YOUNG_GENERATION_CEILING_MB,
} from '../../src/main/heap-policy.js';
import { startEphemeralServer } from '../support/ephemeral-server.js';

/** Reads that make garbage and survivors, as a client's load does: rounds of concurrent requests. */
const ROUNDS = 20;
const CONCURRENT = 16;
const MB = 1024 * 1024;
/**
 * Both semi-spaces at the young generation's ceiling (2 MB each), with room for the one doubling past it that a
 * long synchronous stretch can cause (src/main/heap-policy.ts); under this load it stays at the ceiling.
 */
const LEAN_NEW_SPACE_BYTES = 2 * 2 * YOUNG_GENERATION_CEILING_MB * MB;

/**
 * `serve` keeps its young generation at its first size while it starts and at its ceiling under load
 * (src/main/heap-policy.ts), unless the operator sized the heap. Read from the server's own `GET /metrics`
 * (prom-client's heap space gauges).
 */
describe('serve keeps its heap lean', () => {
  it('holds the young generation at its ceiling from its start and under hundreds of requests', async () => {
    const newSpace = await newSpaceAfterLoad({});
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(LEAN_NEW_SPACE_BYTES);
  });

  it('leaves a heap the operator sized to V8, which grows the young generation under the same load', async () => {
    const newSpace = await newSpaceAfterLoad({ NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(newSpace).toBeGreaterThan(LEAN_NEW_SPACE_BYTES);
  });

  it('sizes the young generation before the modules load and the old one once listening, unless the operator did', () => {
    expect(LEAN_HEAP_FLAGS).toEqual({
      start: ['--semi-space-growth-factor=1'],
      listening: ['--heap-growing-percent=100'],
    });
    expect(keepHeapLean('start', [], '--max-semi-space-size=16')).toEqual([]);
    expect(keepHeapLean('listening', ['--max-old-space-size=512'], '')).toEqual([]);
  });

  it('lets the young generation grow to its ceiling once listening, and no further', async () => {
    // A fresh process: the young generation starts at V8's first size (1 MB a semi-space).
    const lean = await semiSpaceUnderAllocation(false);
    const capped = await semiSpaceUnderAllocation(true);
    expect(lean.first).toBeLessThan(MB);
    expect(lean.largest).toBeLessThan(MB);
    expect(capped.largest).toBeGreaterThan(0.9 * YOUNG_GENERATION_CEILING_MB * MB);
    expect(capped.largest).toBeLessThanOrEqual(YOUNG_GENERATION_CEILING_MB * MB);
  });

  it('knows a heap flag in either spelling, in NODE_OPTIONS or on the command line', () => {
    expect(heapSizedByOperator([], '--max-old-space-size=512')).toBe(true);
    expect(heapSizedByOperator(['--max_semi_space_size=8'], '')).toBe(true);
    expect(heapSizedByOperator([], '--heap-growing-percent=20 --enable-source-maps')).toBe(true);
    expect(heapSizedByOperator(['--enable-source-maps'], '--trace-warnings')).toBe(false);
  });
});

async function newSpaceAfterLoad(env: Record<string, string>): Promise<number> {
  // The operator's environment aside: only `env` decides whether the heap is sized.
  const server = await startEphemeralServer({ NODE_OPTIONS: '', ...env });
  try {
    const { config } = server;
    const token = await server.token();
    for (let round = 0; round < ROUNDS; round++) {
      const statuses = await Promise.all(
        Array.from({ length: CONCURRENT }, async (_, i) => {
          // Distinct targets: each is answered by the full path.
          const limit = 1 + ((round * CONCURRENT + i) % 200);
          const answer = await fetch(`${config.baseUrl}/v1/apps?limit=${limit}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          await answer.arrayBuffer();
          return answer.status;
        }),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    const metrics = await (await fetch(`${config.baseUrl}/metrics`)).text();
    const line = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics);
    expect(line, 'GET /metrics reports the new space').not.toBeNull();
    return Number(line?.[1]);
  } finally {
    await server.stop();
  }
}

const HEAP_POLICY = fileURLToPath(new URL('../../dist/main/heap-policy.js', import.meta.url));

/**
 * A semi-space's size in a fresh node process kept lean as `serve` starts (`keepHeapLean('start')`), with the
 * ceiling watched or not, while it makes garbage and survivors in short turns of the event loop, as requests do.
 */
function semiSpaceUnderAllocation(capped: boolean): Promise<{ first: number; largest: number }> {
  const script = `
    const { keepHeapLean, capYoungGeneration, semiSpaceCapacity } = await import(${JSON.stringify(HEAP_POLICY)});
    keepHeapLean('start', [], '');
    const first = semiSpaceCapacity();
    if (${capped}) capYoungGeneration();
    let kept = [];
    let largest = 0;
    for (let turn = 0; turn < 400; turn++) {
      for (let i = 0; i < 10000; i++) {
        const made = { i, text: 'x' + i };
        if (i % 20 === 0) kept.push(made);
        if (kept.length > 5000) kept = [];
      }
      await new Promise((resolve) => setImmediate(resolve));
      largest = Math.max(largest, semiSpaceCapacity());
    }
    console.log(JSON.stringify({ first, largest }));
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    // The operator's environment aside, as for the server above: V8's own first sizes.
    const env = { ...process.env, NODE_OPTIONS: '' };
    execFile(process.execPath, ['--input-type=module', '-e', script], { env }, (error, stdout) => {
      if (error !== null) reject(error);
      else resolve(JSON.parse(stdout));
    });
  });
}
