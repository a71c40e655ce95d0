import type { ApiKeyRecord } from '../domain/records/keys.js';
import type { AppVersion, BuildVersion } from './usage-store.js';

/**
 * What the read caches (read-caches.ts) hold, read without waiting: for a path that answers from memory in the
 * loop turn it was asked in (http/answer-replay.ts), where the ordinary reads' promises were a large part of a
 * small answer's work (docs/architecture.md, "Answer replay"). Each read gives undefined when nothing is kept,
 * and its caller then takes the ordinary read, which loads what is missing. A row that does not exist is never
 * kept, so undefined never means "gone".
 *
 * A key is current as findApiKey's is, while the change feed is watching (`apiKey` checks it). The versions
 * are current only once `caughtUp` has resolved true for a call made after the request arrived: as the
 * ordinary reads, which wait for it themselves, a write acknowledged by any node is then seen.
 */
export interface KeptReads {
  /** True once this process has been told of every commit made before the call (ChangeFeed.caughtUp). */
  caughtUp(): Promise<boolean>;
  apiKey(keyId: string): ApiKeyRecord | undefined;
  appDataVersion(appId: string): string | undefined;
  groupDataVersion(groupId: string): AppVersion | undefined;
  buildDataVersion(buildId: string): BuildVersion | undefined;
  /** The versions of those of `appIds` the tester's metrics read; undefined unless the tester and all are kept. */
  testerAppDataVersions(testerId: string, appIds: readonly string[]): Map<string, string> | undefined;
}
