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
import { newSpaceAfterReads } from '../support/heap-load.js';

/** Rounds of 16 concurrent reads (heap-load.ts). */
const ROUNDS = 20;
const MB = 1024 * 1024;
/**
 * Both semi-spaces at the young generation's ceiling (2 MB each), with room for the one doubling past it that a
 * long synchronous stretch can cause (src/main/heap-policy.ts); under this load it stays at the ceiling.
 */
const LEAN_NEW_SPACE_BYTES = 2 * 2 * YOUNG_GENERATION_CEILING_MB.sqlite * MB;

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
    expect(keepHeapLean('start', { execArgv: [], nodeOptions: '--max-semi-space-size=16' })).toEqual([]);
    expect(
      keepHeapLean('listening', {
        execArgv: ['--max-old-space-size=512'],
        nodeOptions: '',
        store: 'postgres',
      }),
    ).toEqual([]);
  });

  it.each([
    ['SQLite', YOUNG_GENERATION_CEILING_MB.sqlite],
    ['PostgreSQL', YOUNG_GENERATION_CEILING_MB.postgres],
  ])(
    'lets the young generation grow to the ceiling of a store on %s once listening, and no further',
    async (_, ceilingMb) => {
      // A fresh process: the young generation starts at V8's first size (1 MB a semi-space).
      const lean = await semiSpaceUnderAllocation(undefined);
      const capped = await semiSpaceUnderAllocation(ceilingMb);
      expect(lean.first).toBeLessThan(MB);
      expect(lean.largest).toBeLessThan(MB);
      expect(capped.largest).toBeGreaterThan(0.9 * ceilingMb * MB);
      expect(capped.largest).toBeLessThanOrEqual(ceilingMb * MB);
    },
  );

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
    return await newSpaceAfterReads(server.config.baseUrl, `Bearer ${await server.token()}`, ROUNDS);
  } finally {
    await server.stop();
  }
}

const HEAP_POLICY = fileURLToPath(new URL('../../dist/main/heap-policy.js', import.meta.url));

/**
 * A semi-space's size in a fresh node process kept lean as `serve` starts (`keepHeapLean('start')`), with the
 * ceiling `ceilingMb` watched (or none), while it makes garbage and survivors in short turns of the event loop,
 * as requests do.
 */
function semiSpaceUnderAllocation(
  ceilingMb: number | undefined,
): Promise<{ first: number; largest: number }> {
  const script = `
    const { keepHeapLean, capYoungGeneration, semiSpaceCapacity } = await import(${JSON.stringify(HEAP_POLICY)});
    keepHeapLean('start', { execArgv: [], nodeOptions: '' });
    const first = semiSpaceCapacity();
    if (${ceilingMb !== undefined}) capYoungGeneration(${ceilingMb ?? 0});
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
