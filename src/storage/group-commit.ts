import type { AppendResult, UsageEventRecord } from '../domain/records/usage-event-record.js';

/** Writes batches of events in one transaction, answering each as if written alone after the ones before. */
export type WriteTogether = (batches: ReadonlyArray<readonly UsageEventRecord[]>) => Promise<AppendResult[]>;

/** At most this many events in one group commit: a few requests' worth, so none waits long behind others. */
const GROUP_COMMIT_EVENTS = 8_000;
const NOTHING: AppendResult = { accepted: 0, duplicates: 0 };

/**
 * The group commit, for a backend that writes one transaction at a time (BackendSpecifics.groupCommit):
 * while one transaction of events is written, the batches that arrive wait, and go in together in the next
 * one (up to GROUP_COMMIT_EVENTS events). Each batch is answered once the transaction holding it is
 * committed. Should a group fail, its batches are written one by one, so one batch's failure is not another's.
 */
export function groupCommit(
  writeTogether: WriteTogether,
): (events: readonly UsageEventRecord[]) => Promise<AppendResult> {
  const waiting: Array<{
    events: readonly UsageEventRecord[];
    resolve: (result: AppendResult) => void;
    reject: (error: unknown) => void;
  }> = [];
  let appending = false;

  const commitWaiting = async () => {
    appending = true;
    try {
      while (waiting.length > 0) {
        // Let requests whose bodies have arrived meanwhile reach this queue before the next group is taken.
        await new Promise((resolve) => setImmediate(resolve));
        let events = 0;
        let take = 0;
        for (const batch of waiting) {
          if (take > 0 && events + batch.events.length > GROUP_COMMIT_EVENTS) break;
          events += batch.events.length;
          take++;
        }
        const group = waiting.splice(0, take);
        try {
          const results = await writeTogether(group.map((batch) => batch.events));
          group.forEach((batch, i) => {
            batch.resolve(results[i] ?? NOTHING);
          });
        } catch (error) {
          if (group.length === 1) group[0]?.reject(error);
          else {
            for (const batch of group) {
              await writeAlone(writeTogether, batch.events).then(batch.resolve, batch.reject);
            }
          }
        }
      }
    } finally {
      appending = false;
    }
  };

  return (events) =>
    new Promise((resolve, reject) => {
      waiting.push({ events, resolve, reject });
      if (!appending) void commitWaiting();
    });
}

/** One batch in a transaction of its own. */
export async function writeAlone(
  writeTogether: WriteTogether,
  events: readonly UsageEventRecord[],
): Promise<AppendResult> {
  const [result] = await writeTogether([events]);
  return result ?? NOTHING;
}
