import { describe, expect, it } from 'vitest';
import {
  expectIngested,
  expectNothingStored,
  freshIngestHarnessForEachTest,
  type IngestHarness,
  postEvents,
  usageEvent,
} from '../../../test/support/ingest.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const versions = async () =>
  (await harness.store.listBuilds('100', { limit: 50 })).map((b) => b.version).sort();

/** Events naming builds (README, "Builds"): known builds only, unless the app allows unknown ones. */
describe('builds named by events', () => {
  it('refuses the whole batch when an event names a build the app does not have, and accepts it once it has', async () => {
    const batch = { events: [usageEvent('e1', { build: '42' }), usageEvent('e2', { build: '500' })] };
    const refused = await postEvents(harness, batch);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { source?: { pointer: string } }) => e.source?.pointer)).toEqual([
      '/events/1/build',
    ]);
    await expectNothingStored(harness);
    // Made by anyone (another node, the CLI) on the same store: seen by the next batch.
    await harness.services.builds.create({ appId: '100', version: '500' });
    expectIngested(await postEvents(harness, batch), 2, 0);
  });

  it('accepts events without a build, or with an empty one, as before', async () => {
    expectIngested(
      await postEvents(harness, { events: [usageEvent('e1'), usageEvent('e2', { build: '' })] }),
      2,
      0,
    );
  });

  it('creates the unknown builds of an app that allows them, with the events, once each', async () => {
    await harness.services.apps.update('100', { allowUnknownBuilds: true });
    const first = [
      usageEvent('e1', { build: '501', timestamp: '2023-10-05T10:00:00Z' }),
      usageEvent('e2', { build: '501', timestamp: '2023-10-05T09:00:00Z' }),
      usageEvent('e3', { build: '42' }),
    ];
    expectIngested(await postEvents(harness, { events: first }), 3, 0);
    expectIngested(await postEvents(harness, { events: [usageEvent('e4', { build: '501' })] }), 1, 0);
    expect(await versions()).toEqual(['412', '42', '501', 'b', '😀']);
    const [created] = (await harness.store.listBuilds('100', { limit: 50 })).filter(
      (b) => b.version === '501',
    );
    expect(created).toMatchObject({
      processingState: 'VALID',
      uploadedAt: '2023-10-05T09:00:00.000Z',
      betaDetail: { internalBuildState: 'READY_FOR_BETA_TESTING' },
    });
  });

  it('creates no build when its events are refused for another reason', async () => {
    await harness.services.apps.update('100', { allowUnknownBuilds: true });
    const refused = await postEvents(harness, {
      events: [usageEvent('e1', { build: '777' }), usageEvent('e2', { testerId: 'nobody' })],
    });
    expect(refused.statusCode).toBe(400);
    expect(await versions()).not.toContain('777');
  });
});
