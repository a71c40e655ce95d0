/**
 * Why a store refused a snapshot operation, typed so the service can say it in the caller's words (the CLI's
 * one line, the admin endpoint's 400, 404 or 409) without knowing the store.
 *
 * - `name`: the name breaks the rule of snapshot-name.ts;
 * - `unknown`: there is no snapshot of that name in this store;
 * - `exists`: saving without `replace` over a snapshot of that name;
 * - `incompatible`: the snapshot was saved under other migrations than the store has now, so its tables
 *   are not the store's (`detail` says which).
 */
export type SnapshotProblemKind = 'name' | 'unknown' | 'exists' | 'incompatible';

export class SnapshotProblem extends Error {
  constructor(
    readonly kind: SnapshotProblemKind,
    readonly snapshotName: string,
    readonly detail = '',
  ) {
    super(`snapshot ${JSON.stringify(snapshotName)}: ${kind}${detail === '' ? '' : ` (${detail})`}`);
    this.name = 'SnapshotProblem';
  }
}
