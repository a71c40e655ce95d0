import {
  StoreConflictError,
  StoreReferenceError,
  type StoreRow,
  type StoreRowKind,
} from '../domain/store-problems.js';
import { ConflictError, InputError } from './input-error.js';

/** The Apple attribute or relationship each kind of row stands for in one operation (`betaGroups`, ...). */
export type RowFields = Partial<Record<StoreRowKind, string>>;

/**
 * Runs a store write, its StoreConflictError as ConflictError and its StoreReferenceError as InputError, saying
 * what to do next: `listHint` names the command that lists what exists ("'builds list --app ID'"). The error's
 * field is the one `fields` gives the row the store names, else the row it had to belong to: a tester's
 * groups name the group, a group's testers the tester; the row an operation is about has none.
 */
export async function storeWrite<T>(
  write: () => Promise<T>,
  listHint: string,
  fields: RowFields = {},
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new ConflictError(conflictMessage(error, listHint), fieldOf(error, fields));
    if (error instanceof StoreReferenceError)
      throw new InputError(
        `there is no ${error.what}; see what exists with ${listHint}`,
        fieldOf(error, fields),
      );
    throw error;
  }
}

/** How a message names a kind of row. */
export const ROW_NAMES: Readonly<Record<StoreRowKind, string>> = {
  app: 'app',
  tester: 'tester',
  build: 'build',
  betaGroup: 'beta group',
  preReleaseVersion: 'pre-release version',
  crashLog: 'crash log',
};

/** `tester 't1'`. */
export function rowName(row: StoreRow): string {
  return `${ROW_NAMES[row.kind]} '${row.id}'`;
}

function fieldOf(error: StoreConflictError | StoreReferenceError, fields: RowFields): string | undefined {
  return (
    (error.row === undefined ? undefined : fields[error.row.kind]) ??
    (error.holder === undefined ? undefined : fields[error.holder.kind])
  );
}

/** "tester 't1' is already in beta group 'g1'" where the store says which, else what the constraint keeps. */
function conflictMessage(error: StoreConflictError, listHint: string): string {
  const { row, holder } = error;
  if (row === undefined || holder === undefined)
    return `${error.what} already exists; choose another or see ${listHint}`;
  if (holder.kind === 'build') return `${rowName(row)} already has ${rowName(holder)} individually`;
  return `${rowName(row)} is already in ${rowName(holder)}`;
}
