import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';
import { stateConflict } from '../../errors/api-errors.js';
import { SeededRandom } from '../../services/demo/seeded-random.js';
import type { Fault } from './fault.js';

/** At most this many rules at once on a node; a test suite clears them between tests. */
export const MAX_FAULT_RULES = 100;
/** A probability without a seed draws from this one, so a run is the same every time anyway. */
export const DEFAULT_FAULT_SEED = 1;

/** Which requests a rule looks at; every member given must hold. */
export interface FaultMatch {
  /** The route's operationId (`apps_betaTesterUsages_getMetrics`, `ingestEvents_create`). */
  readonly operation?: string;
  /** The API key (or, on ingestion, the ingest key) the request was made with. */
  readonly keyId?: string;
  readonly method?: string;
  /** The path exactly as requested, without the query (`/v1/apps/6447306070`). */
  readonly path?: string;
}

/** Which of the requests it looks at a rule faults; all of them unless said otherwise. */
export interface FaultWhen {
  /** Only the nth request that matches (1 is the first); then the rule is spent. */
  readonly nth?: number;
  /** Each matching request with this probability, drawn from a generator seeded with `seed`. */
  readonly probability?: number;
  readonly seed?: number;
  /** For this many seconds from when the rule was added, then never. */
  readonly forSeconds?: number;
  /** At most this many times, then never. */
  readonly times?: number;
}

export interface FaultRuleInput {
  readonly fault: Fault;
  readonly match: FaultMatch;
  readonly when: FaultWhen;
}

export interface FaultRuleView extends FaultRuleInput {
  readonly id: string;
  readonly createdAt: string;
  /** When it stops applying (`forSeconds`); null when it does not expire. */
  readonly expiresAt: string | null;
  /** Requests it matched, faulted or not. */
  readonly matched: number;
  /** Requests it faulted. */
  readonly fired: number;
  /** Whether it can still fault a request: not expired, nor spent (`nth`, `times`). */
  readonly active: boolean;
}

/** What rules match a request on. */
export interface FaultRequest {
  readonly operation: string;
  readonly keyId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** Whether the request carries a `cursor`: a stale cursor fault applies to those only. */
  readonly hasCursor: boolean;
}

/** The fault a rule chose for a request, with the rule's id for the log. */
export interface ChosenFault {
  readonly ruleId: string;
  readonly fault: Fault;
}

/**
 * The fault rules of one node, in its memory: a test suite runs its own node (README, "Faults on demand"). Rules
 * are looked at in the order they were added; each counts every request it matches, and the first that fires
 * answers (a later one that would have fired too is not counted as fired). Draws are seeded (mulberry32), so
 * the same requests fault the same way on every run.
 */
export class FaultRules {
  private readonly rules: Rule[] = [];

  constructor(private readonly clock: Clock) {}

  /** Adds a rule (already validated); 409 STATE_ERROR when MAX_FAULT_RULES are there already. */
  add(input: FaultRuleInput): FaultRuleView {
    if (this.rules.length >= MAX_FAULT_RULES) {
      throw stateConflict(
        `There are already ${MAX_FAULT_RULES} fault rules on this server; delete some (DELETE /_beta-metrics/faults deletes all) and add this one again`,
      );
    }
    const now = this.clock.now().getTime();
    const { when } = input;
    const rule: Rule = {
      // The seed a draw uses is listed, whether given or not: the run can be repeated from the list.
      input:
        when.probability !== undefined && when.seed === undefined
          ? { ...input, when: { ...when, seed: DEFAULT_FAULT_SEED } }
          : input,
      id: randomUUID(),
      createdAt: now,
      expiresAt: when.forSeconds === undefined ? undefined : now + when.forSeconds * 1000,
      random: when.probability === undefined ? undefined : new SeededRandom(when.seed ?? DEFAULT_FAULT_SEED),
      matched: 0,
      fired: 0,
    };
    this.rules.push(rule);
    return this.view(rule, now);
  }

  /** No rule is set (an expired one still counts until it is removed). */
  isEmpty(): boolean {
    return this.rules.length === 0;
  }

  list(): FaultRuleView[] {
    const now = this.clock.now().getTime();
    return this.rules.map((rule) => this.view(rule, now));
  }

  /** False when there is no such rule. */
  remove(id: string): boolean {
    const at = this.rules.findIndex((rule) => rule.id === id);
    if (at < 0) return false;
    this.rules.splice(at, 1);
    return true;
  }

  /** Removes every rule; answers how many there were. */
  clear(): number {
    return this.rules.splice(0).length;
  }

  /** The fault for `request`, if a rule fires for it. */
  choose(request: FaultRequest): ChosenFault | undefined {
    const now = this.clock.now().getTime();
    let chosen: ChosenFault | undefined;
    for (const rule of this.rules) {
      if (!isActive(rule, now) || !matches(rule.input, request)) continue;
      rule.matched++;
      if (!fires(rule) || chosen !== undefined) continue;
      rule.fired++;
      chosen = { ruleId: rule.id, fault: rule.input.fault };
    }
    return chosen;
  }

  private view(rule: Rule, now: number): FaultRuleView {
    return {
      id: rule.id,
      ...rule.input,
      createdAt: new Date(rule.createdAt).toISOString(),
      expiresAt: rule.expiresAt === undefined ? null : new Date(rule.expiresAt).toISOString(),
      matched: rule.matched,
      fired: rule.fired,
      active: isActive(rule, now),
    };
  }
}

interface Rule {
  readonly input: FaultRuleInput;
  readonly id: string;
  readonly createdAt: number;
  readonly expiresAt: number | undefined;
  readonly random: SeededRandom | undefined;
  matched: number;
  fired: number;
}

function isActive(rule: Rule, now: number): boolean {
  const { nth, times } = rule.input.when;
  if (rule.expiresAt !== undefined && now >= rule.expiresAt) return false;
  if (nth !== undefined && rule.matched >= nth) return false;
  return times === undefined || rule.fired < times;
}

function matches(input: FaultRuleInput, request: FaultRequest): boolean {
  const { operation, keyId, method, path } = input.match;
  if (input.fault.staleCursor === true && !request.hasCursor) return false;
  return (
    (operation === undefined || operation === request.operation) &&
    (keyId === undefined || keyId === request.keyId) &&
    (method === undefined || method.toUpperCase() === request.method) &&
    (path === undefined || path === request.path)
  );
}

/** Whether the rule faults the request it just counted. */
function fires(rule: Rule): boolean {
  const { nth, probability } = rule.input.when;
  if (nth !== undefined) return rule.matched === nth;
  if (rule.random !== undefined && probability !== undefined) return rule.random.next() < probability;
  return true;
}
