import type { Problem } from '../domain/problem.js';

/**
 * A problem of an ingestion batch: of its event at `event` (its place in the batch; `field` is then the
 * event's), or of the batch itself (`field` is then the batch's, like `sentAt`; the whole batch when absent).
 */
export interface BatchProblem extends Problem {
  readonly event?: number;
}

/** The batch is refused whole, for these problems in the batch's order: nothing of it is written. */
export class RefusedBatch extends Error {
  readonly problems: readonly BatchProblem[];

  constructor(problems: readonly BatchProblem[]) {
    const first = problems[0];
    if (first === undefined) throw new TypeError('RefusedBatch needs at least one problem');
    super(`the batch is refused: ${first.detail}`);
    this.name = 'RefusedBatch';
    this.problems = problems;
  }
}

/** The batch holds more events than one request may. */
export class TooManyEvents extends Error {
  constructor(
    readonly maxEvents: number,
    readonly events: number,
  ) {
    super(`a batch holds at most ${maxEvents} events; this one has ${events}`);
    this.name = 'TooManyEvents';
  }
}
