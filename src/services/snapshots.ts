import type { SnapshotRecord } from '../domain/records/snapshot.js';
import { isSnapshotName, SNAPSHOT_NAME_WORDS } from '../domain/snapshot-name.js';
import { SnapshotProblem, type SnapshotProblemKind } from '../domain/snapshot-problems.js';
import type { SnapshotAdminStore } from '../storage/snapshot-admin-store.js';
import { InputError } from './input-error.js';

export interface SaveSnapshotInput {
  readonly name: string;
  /** Replace a snapshot of that name instead of refusing (SnapshotError `exists`). */
  readonly replace?: boolean;
}

/**
 * A snapshot operation refused, with what the operator can do about it (the CLI prints the message as it is);
 * `kind` and `snapshotName` let the admin endpoint answer 400, 404 or 409 in its own words.
 */
export class SnapshotError extends InputError {
  constructor(
    readonly kind: SnapshotProblemKind,
    readonly snapshotName: string,
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/**
 * Save and restore the whole store under a name, so each test of a suite can start from a known state
 * (storage/snapshot-admin-store.ts says what a snapshot holds and how a restore reaches every node). The CLI's
 * `snapshot` commands and the admin endpoint `/_beta-metrics/snapshots` call these.
 */
export interface SnapshotsService {
  save(input: SaveSnapshotInput): Promise<SnapshotRecord>;
  restore(name: string): Promise<SnapshotRecord>;
  list(): Promise<SnapshotRecord[]>;
  delete(name: string): Promise<void>;
}

export function snapshotsService(store: SnapshotAdminStore): SnapshotsService {
  return {
    save: (input) =>
      translated(() => store.saveSnapshot(named(input.name), { replace: input.replace === true })),
    restore: (name) => translated(() => store.restoreSnapshot(named(name))),
    list: () => store.listSnapshots(),
    delete: (name) => translated(() => store.deleteSnapshot(named(name))),
  };
}

function named(name: string): string {
  if (!isSnapshotName(name)) throw snapshotError(new SnapshotProblem('name', name));
  return name;
}

/** The store's SnapshotProblems in the operator's words; anything else as it is. */
async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof SnapshotProblem ? snapshotError(error) : error;
  }
}

function snapshotError(problem: SnapshotProblem): SnapshotError {
  const name = problem.snapshotName;
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
  const messages: Record<SnapshotProblemKind, string> = {
    name: `${shown} is not a snapshot name; use ${SNAPSHOT_NAME_WORDS}`,
    unknown: `there is no snapshot ${shown} in this store; list them with 'beta-metrics snapshot list'`,
    exists: `there is already a snapshot ${shown}; delete it first, or save with --replace`,
    incompatible: `the snapshot ${shown} cannot be restored into this store: ${problem.detail}; save it again`,
  };
  return new SnapshotError(problem.kind, name, messages[problem.kind]);
}
