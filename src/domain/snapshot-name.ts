/**
 * A snapshot's name: 1 to 64 of ASCII letters, digits, `_` and `-`. It becomes a file name on the embedded
 * store (`<data dir>/snapshots/<name>.db`) and part of a schema's comment on PostgreSQL, so it may hold no
 * path separator, dot or quote; the rule is the same on both so a test suite's names work on either.
 */
export const SNAPSHOT_NAME_RULE = /^[A-Za-z0-9_-]{1,64}$/;

/** The rule in words, for messages. */
export const SNAPSHOT_NAME_WORDS = '1 to 64 letters (A-Z, a-z), digits, _ or -';

export function isSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME_RULE.test(name);
}
