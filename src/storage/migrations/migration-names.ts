/**
 * The name of every migration, in the order they run: what a store migrated to the latest has applied. Kept
 * apart from the migrations themselves (index.ts, which gives each name its schema): opening a store that is
 * already up to date, every `serve` start, compares the names only, without loading the modules that
 * make the schema.
 */
export const MIGRATION_NAMES = [
  '0001-initial',
  '0002-ingestion',
  '0003-rate-limits',
  '0004-monthly-rollups',
  '0005-dashboard-sessions',
  '0006-daily-rollups-by-day',
  '0007-key-capabilities',
  '0008-testflight-resources',
  '0009-public-link-usage',
  '0010-beta-group-names',
  '0011-feedback-content',
  '0012-change-notifications',
  '0013-tester-delete-notifications',
  '0014-listing-versions',
  '0015-monthly-rollup-room',
  '0016-daily-rollup-room',
] as const;

export type MigrationName = (typeof MIGRATION_NAMES)[number];
