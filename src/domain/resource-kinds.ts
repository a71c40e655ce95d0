/**
 * The resources of Apple's TestFlight slice that beta-metrics keeps and serves, by Apple's type name
 * (docs/architecture.md, "Resources"). Any other type of Apple's API is refused, never invented.
 */
export const RESOURCE_KINDS = [
  'apps',
  'betaTesters',
  'betaGroups',
  'builds',
  'preReleaseVersions',
  'buildBetaDetails',
  'betaFeedbackScreenshotSubmissions',
  'betaFeedbackCrashSubmissions',
  'betaCrashLogs',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export function isResourceKind(type: string): type is ResourceKind {
  return (RESOURCE_KINDS as readonly string[]).includes(type);
}
