import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { parseFaultHeader } from './fault.js';

/** `X-Beta-Metrics-Fault`'s grammar (README, "Faults on demand"). */

const MAX = 60_000;

function problems(text: string): string[] {
  try {
    parseFaultHeader(text, MAX);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(400);
    for (const item of error.items) {
      expect(item.code).toBe('PARAMETER_ERROR.INVALID');
      expect(item.source).toEqual({ parameter: 'X-Beta-Metrics-Fault' });
    }
    return error.items.map((item) => item.detail);
  }
  throw new Error(`'${text}' was read as a fault`);
}

describe('X-Beta-Metrics-Fault', () => {
  it('reads each item, alone or combined with ;, spaces and case aside', () => {
    expect(parseFaultHeader('status=429', MAX)).toEqual({ status: 429 });
    expect(parseFaultHeader('latency=1500', MAX)).toEqual({ latencyMs: 1500 });
    expect(parseFaultHeader('cut-body', MAX)).toEqual({ cutBody: true });
    expect(parseFaultHeader('stale-cursor', MAX)).toEqual({ staleCursor: true });
    expect(parseFaultHeader(' Status = 503 ; latency=0;CUT-BODY; ', MAX)).toEqual({
      status: 503,
      latencyMs: 0,
      cutBody: true,
    });
    expect(parseFaultHeader('latency=200;stale-cursor', MAX)).toEqual({ latencyMs: 200, staleCursor: true });
  });

  it('takes each status of the catalog it can force', () => {
    for (const status of [400, 401, 403, 404, 409, 429, 500, 503])
      expect(parseFaultHeader(`status=${status}`, MAX)).toEqual({ status });
  });

  it('refuses what it cannot honour, saying what', () => {
    expect(problems('status=418')[0]).toContain(
      'status must be one of 400, 401, 403, 404, 409, 429, 500, 503',
    );
    expect(problems('latency=60001')[0]).toContain('latency must be 0 to 60000 ms');
    expect(problems('status=429;stale-cursor')[0]).toContain('a stale cursor is answered with its own 400');
    expect(problems('')[0]).toContain('a fault needs a status, a latency, cutBody or staleCursor');
    expect(problems('status=429;status=500')[0]).toContain("'status' is given twice");
    expect(problems('status')[0]).toContain("'status' is not an item");
    expect(problems('latency=-5')[0]).toContain("'latency=-5' is not an item");
    expect(problems('cut-body=yes')[0]).toContain("'cut-body=yes' is not an item");
    expect(problems('status=4=2')[0]).toContain("'status=4=2' is not an item");
    expect(problems('explode')[0]).toContain("'explode' is not an item");
    expect(problems('explode;implode')).toHaveLength(2);
  });

  it('shows at most 40 printable characters of a bad item', () => {
    const [detail = ''] = problems(`${'x'.repeat(100)}\u0001`);
    expect(detail).toContain(`'${'x'.repeat(40)}…'`);
    expect(detail).not.toContain('\u0001');
  });
});
