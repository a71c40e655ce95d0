import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { defaultBetaDetail } from '../../domain/records/build.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import type { Database } from '../schema.js';
import { knownBuildVersions } from './builds.js';
import { chunksFor } from './row-window.js';
import { flag } from './stored-values.js';

/**
 * Inside an event batch's transaction: the builds its events name that their app does not have yet, created
 * for the apps that allow unknown builds (apps.allow_unknown_builds; README, "Builds"), processed (VALID) and
 * uploaded at the first of the batch's events naming them, with their beta detail. Ingestion has refused the
 * events of other apps that name unknown builds. Per app naming builds: one read of the app, one indexed read
 * of its builds, and inserts only for builds it lacks; a build another transaction created meanwhile is kept.
 */
export async function createUnknownBuilds(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  maxParameters: number,
): Promise<void> {
  const firstByApp = new Map<string, Map<string, string>>();
  for (const event of events) {
    if (event.build === undefined || event.build === '') continue;
    const builds = firstByApp.get(event.appId) ?? new Map<string, string>();
    const first = builds.get(event.build);
    if (first === undefined || event.occurredAt < first) builds.set(event.build, event.occurredAt);
    firstByApp.set(event.appId, builds);
  }
  for (const [appId, builds] of [...firstByApp].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const app = await db
      .selectFrom('apps')
      .select('allow_unknown_builds')
      .where('id', '=', appId)
      .executeTakeFirst();
    if (app === undefined || Number(app.allow_unknown_builds) !== 1) continue;
    const known = await knownBuildVersions(db, appId, [...builds.keys()]);
    // Sorted, so concurrent batches insert the builds they share in the same order.
    const missing = [...builds]
      .filter(([version]) => !known.has(version))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const detail = defaultBetaDetail('VALID');
    for (const chunk of chunksFor(missing, 5, maxParameters)) {
      const created = await db
        .insertInto('builds')
        .values(
          chunk.map(([version, uploadedAt]) => ({
            id: randomUUID(),
            app_id: appId,
            version,
            uploaded_at: uploadedAt,
            processing_state: 'VALID',
          })),
        )
        .onConflict((conflict) => conflict.columns(['app_id', 'version']).doNothing())
        .returning('id')
        .execute();
      if (created.length === 0) continue;
      await db
        .insertInto('build_beta_details')
        .values(
          created.map(({ id }) => ({
            id,
            build_id: id,
            auto_notify_enabled: flag(detail.autoNotifyEnabled),
            internal_build_state: detail.internalBuildState,
            external_build_state: detail.externalBuildState,
          })),
        )
        .execute();
    }
  }
}
