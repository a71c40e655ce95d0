import { createHash } from 'node:crypto';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { ImportLine, ScreenshotContentLine } from './import-line.js';
import type { ImportServices, ResourceKind } from './import-records.js';
import { InputError } from './input-error.js';
import { ScreenshotRefused } from './screenshot-check.js';

/** The TestFlight resources of an import (docs/import-format.md), each created through its service. */

export type ResourceLine = Extract<ImportLine, { kind: ResourceKind }>;

/**
 * A resource whose id is stored already counts as existing and is left as it is (whatever its attributes), as
 * an app is; otherwise it is created through its service, with the same checks as the CLI's.
 */
export async function importResource(
  store: DirectoryReads,
  services: ImportServices,
  line: ResourceLine,
): Promise<'created' | 'existing'> {
  if (line.kind === 'screenshotContent') return importScreenshotContent(store, services, line.input);
  const { id } = line.input;
  switch (line.kind) {
    case 'preReleaseVersion':
      if ((await store.findPreReleaseVersion(id)) !== undefined) return 'existing';
      await services.builds.createPreReleaseVersion(line.input);
      return 'created';
    case 'build':
      if ((await store.findBuild(id)) !== undefined) return 'existing';
      await services.builds.create(line.input);
      return 'created';
    case 'group':
      if ((await store.findBetaGroup(id)) !== undefined) return 'existing';
      await services.betaGroups.create(line.input);
      return 'created';
    case 'screenshotFeedback':
      if ((await store.findScreenshotFeedback(id)) !== undefined) return 'existing';
      await services.feedback.createScreenshot(line.input);
      return 'created';
    case 'crashFeedback':
      if ((await store.findCrashFeedback(id)) !== undefined) return 'existing';
      await services.feedback.createCrash(line.input);
      return 'created';
  }
}

/**
 * A stored screenshot's bytes, checked as an upload is (type, size, every pixel) and stored for its app unless
 * it has them; the line's `sha256` must be the bytes' own, so a line cannot store bytes under another name.
 */
async function importScreenshotContent(
  store: DirectoryReads,
  services: ImportServices,
  line: ScreenshotContentLine,
): Promise<'created' | 'existing'> {
  if ((await store.findApp(line.appId)) === undefined)
    throw new InputError(`there is no app with id '${line.appId}'; its app line must come first`);
  const bytes = Buffer.from(line.data, 'base64');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== line.sha256)
    throw new InputError(`the bytes of 'data' have the SHA-256 ${sha256}, not the line's 'sha256'`);
  try {
    const upload = await services.screenshotUploads.upload(line.appId, bytes);
    return upload.created ? 'created' : 'existing';
  } catch (error) {
    if (error instanceof ScreenshotRefused) throw new InputError(error.message);
    throw error;
  }
}
