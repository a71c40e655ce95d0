import type { ResourceKind, ResourceReads, StoredResource } from '../storage/resource-reads.js';
import type { ContentUrlSigner } from './content-urls.js';
import { isContentScreenshot, signScreenshots } from './screenshot-links.js';

const SUBMISSIONS: ResourceKind = 'betaFeedbackScreenshotSubmissions';

/**
 * The read-time step that makes a submission's stored screenshots servable (docs/feedback-content.md,
 * "Serving"): each content element gets the signature of its URLs, under the submission's app, which is read in
 * the same snapshot as the submissions. Resources of other kinds, and submissions without content, are
 * returned as they are. The edge writes the URLs on its base (screenshot-links.ts, `signedScreenshotImage`).
 */
export async function withSignedScreenshots(
  reader: ResourceReads,
  signer: ContentUrlSigner,
  kind: ResourceKind,
  resources: readonly StoredResource[],
): Promise<readonly StoredResource[]> {
  if (kind !== SUBMISSIONS) return resources;
  const withContent = resources.filter((resource) => holdsContent(resource.attributes.screenshots));
  if (withContent.length === 0) return resources;
  const apps = await reader.linkages(
    SUBMISSIONS,
    'app',
    withContent.map((resource) => resource.id),
  );
  return resources.map((resource) => {
    const [appId] = apps.get(resource.id)?.ids ?? [];
    if (appId === undefined) return resource;
    const screenshots = signScreenshots(signer, appId, resource.attributes.screenshots);
    return { ...resource, attributes: { ...resource.attributes, screenshots } };
  });
}

function holdsContent(screenshots: unknown): boolean {
  return Array.isArray(screenshots) && screenshots.some(isContentScreenshot);
}
