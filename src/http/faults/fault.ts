import { ApiError, type ErrorItem } from '../../errors/api-error.js';

/** The statuses a fault may force, each answered with the body the real failure has (fault-answers.ts). */
export const FAULT_STATUSES = [400, 401, 403, 404, 409, 429, 500, 503] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

/** The header a request of a TESTING key asks for a fault with (README, "Faults on demand"). */
export const FAULT_HEADER = 'x-beta-metrics-fault';

/**
 * What goes wrong with one request: after `latencyMs`, the answer is the stale-cursor 400 (when the request
 * carries a cursor) or `status` with Apple's body for it, or else the real answer; `cutBody` then sends its
 * headers and half its body, and closes the connection.
 */
export interface Fault {
  readonly status?: FaultStatus;
  readonly latencyMs?: number;
  readonly cutBody?: boolean;
  readonly staleCursor?: boolean;
}

/** A fault as a client writes it, before its status is known to be one of FAULT_STATUSES. */
export type FaultInput = Omit<Fault, 'status'> & { readonly status?: number };

/** A fault's problems, each pointing where it lies (`/fault/status` in a rule, the header's name otherwise). */
export function faultProblems(fault: FaultInput, maxLatencyMs: number, where: (member: string) => string) {
  const problems: Array<{ detail: string; at: string }> = [];
  if (fault.status !== undefined && !(FAULT_STATUSES as readonly number[]).includes(fault.status))
    problems.push({ at: where('status'), detail: `status must be one of ${FAULT_STATUSES.join(', ')}` });
  if (fault.latencyMs !== undefined && (fault.latencyMs < 0 || fault.latencyMs > maxLatencyMs))
    problems.push({ at: where('latencyMs'), detail: `latency must be 0 to ${maxLatencyMs} ms` });
  if (fault.status !== undefined && fault.staleCursor === true)
    problems.push({
      at: where('staleCursor'),
      detail: 'a stale cursor is answered with its own 400; leave out the status',
    });
  if (
    fault.status === undefined &&
    fault.latencyMs === undefined &&
    fault.cutBody !== true &&
    fault.staleCursor !== true
  )
    problems.push({ at: where(''), detail: 'a fault needs a status, a latency, cutBody or staleCursor' });
  return problems;
}

/**
 * Reads `X-Beta-Metrics-Fault`: items separated by `;`, each `status=<code>`, `latency=<ms>`, `cut-body` or
 * `stale-cursor`, in any order, each at most once (`status=429`, `latency=1500; cut-body`). A header that is
 * not that is a 400 naming it: a test that misspells its fault should fail, not pass against a healthy answer.
 */
export function parseFaultHeader(text: string, maxLatencyMs: number): Fault {
  const fault: { -readonly [K in keyof FaultInput]: FaultInput[K] } = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(';')) {
    const item = raw.trim();
    if (item === '') continue;
    const [name = '', value, ...rest] = item.split('=').map((part) => part.trim());
    const key = name.toLowerCase();
    if (seen.has(key)) problems.push(`'${key}' is given twice`);
    seen.add(key);
    const number = value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
    if (rest.length > 0) problems.push(`'${shown(item)}' is not an item`);
    else if (key === 'status' && number !== undefined) fault.status = number;
    else if (key === 'latency' && number !== undefined) fault.latencyMs = number;
    else if (key === 'cut-body' && value === undefined) fault.cutBody = true;
    else if (key === 'stale-cursor' && value === undefined) fault.staleCursor = true;
    else problems.push(`'${shown(item)}' is not an item`);
  }
  if (problems.length === 0)
    problems.push(...faultProblems(fault, maxLatencyMs, () => '').map((p) => p.detail));
  if (problems.length > 0) throw new ApiError(problems.map(headerProblem));
  return fault as Fault;
}

function headerProblem(problem: string): ErrorItem {
  return {
    code: 'PARAMETER_ERROR.INVALID',
    detail: `The header X-Beta-Metrics-Fault is not valid: ${problem}; write items like 'status=429', 'latency=1500', 'cut-body' or 'stale-cursor', separated by ';'`,
    source: { parameter: 'X-Beta-Metrics-Fault' },
  };
}

/** At most 40 characters of the header's text, printable ASCII only, for an error's detail. */
function shown(text: string): string {
  const clipped = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return clipped.replace(/[^\x20-\x7e…]/g, '?');
}
