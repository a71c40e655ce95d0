import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import type { BackendCapabilities, StoreHarness } from './store.test-suite.js';
import { describeDashboardBuildsAndGroups } from './dashboard-store-builds-groups.test-suite.js';
import { describeDashboardReads } from './dashboard-store-reads.test-suite.js';
import { describeFeedbackInbox } from './feedback-inbox.test-suite.js';

/**
 * The dashboard's part of the Store (dashboard-store.ts) on every backend: logins that work once here, and
 * the page reads in dashboard-store-reads.test-suite.ts, dashboard-store-builds-groups.test-suite.ts and
 * feedback-inbox.test-suite.ts.
 */
export function describeDashboardStore(
  backend: string,
  createHarness: () => Promise<StoreHarness>,
  capabilities: BackendCapabilities,
): void {
  describe(`Dashboard store on ${backend}`, () => {
    let harness: StoreHarness;
    let store: Store;
    const opened: Store[] = [];
    beforeEach(async () => {
      harness = await createHarness();
      store = await harness.open();
      opened.push(store);
    });
    afterEach(async () => {
      for (const handle of opened.splice(0)) await handle.close();
      await harness.cleanup();
    });

    const token = (hash: string, createdAt: string, expiresAt: string) => ({
      tokenHash: hash,
      createdAt,
      expiresAt,
    });

    describe('logins', () => {
      it('exchanges a login link for a session once, before it expires', async () => {
        await store.createDashboardLoginLink(
          token('link1', '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
        );
        const session = token('s1', '2024-01-01T10:14:59.999Z', '2024-01-01T22:14:59.999Z');
        expect(await store.exchangeDashboardLoginLink('link1', session)).toBe(true);
        expect(
          await store.exchangeDashboardLoginLink('link1', token('s2', session.createdAt, session.expiresAt)),
        ).toBe(false);
        expect(await store.findDashboardSession('s1', '2024-01-01T22:14:59.998Z')).toEqual(session);
        expect(await store.findDashboardSession('s2', '2024-01-01T11:00:00.000Z')).toBeUndefined();
        expect(
          await store.exchangeDashboardLoginLink(
            'unknown',
            token('s3', session.createdAt, session.expiresAt),
          ),
        ).toBe(false);
      });

      it('refuses an expired link, and a session from its expiry on', async () => {
        await store.createDashboardLoginLink(
          token('link1', '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
        );
        expect(
          await store.exchangeDashboardLoginLink(
            'link1',
            token('s1', '2024-01-01T10:15:00.000Z', '2024-01-02T00:00:00.000Z'),
          ),
        ).toBe(false);
        await store.createDashboardLoginLink(
          token('link2', '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
        );
        await store.exchangeDashboardLoginLink(
          'link2',
          token('s2', '2024-01-01T10:01:00.000Z', '2024-01-01T22:01:00.000Z'),
        );
        expect(await store.findDashboardSession('s2', '2024-01-01T22:00:59.999Z')).toBeDefined();
        expect(await store.findDashboardSession('s2', '2024-01-01T22:01:00.000Z')).toBeUndefined();
      });

      it('deletes expired links and sessions as new ones are made, and ends a session', async () => {
        await store.createDashboardLoginLink(
          token('old', '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
        );
        await store.createDashboardLoginLink(
          token('l1', '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
        );
        await store.exchangeDashboardLoginLink(
          'l1',
          token('s1', '2024-01-01T10:01:00.000Z', '2024-01-01T22:01:00.000Z'),
        );
        // Made after `old` expired: `old` is gone, even for a clock that would still accept it.
        await store.createDashboardLoginLink(
          token('l2', '2024-01-02T10:00:00.000Z', '2024-01-02T10:15:00.000Z'),
        );
        expect(
          await store.exchangeDashboardLoginLink(
            'old',
            token('x', '2024-01-01T10:05:00.000Z', '2024-01-01T22:05:00.000Z'),
          ),
        ).toBe(false);
        // A session started after s1 expired deletes s1.
        await store.exchangeDashboardLoginLink(
          'l2',
          token('s2', '2024-01-02T10:01:00.000Z', '2024-01-02T22:01:00.000Z'),
        );
        expect(await store.findDashboardSession('s1', '2024-01-01T12:00:00.000Z')).toBeUndefined();
        await store.endDashboardSession('s2');
        expect(await store.findDashboardSession('s2', '2024-01-02T12:00:00.000Z')).toBeUndefined();
        await store.endDashboardSession('never');
      });

      it('lets one of several exchanges of one link at once win', async () => {
        const other = capabilities.concurrentHandles ? await harness.open() : store;
        if (other !== store) opened.push(other);
        for (let round = 0; round < 5; round++) {
          await store.createDashboardLoginLink(
            token(`l${round}`, '2024-01-01T10:00:00.000Z', '2024-01-01T10:15:00.000Z'),
          );
          const results = await Promise.all(
            [store, other, store, other].map((handle, i) =>
              handle.exchangeDashboardLoginLink(
                `l${round}`,
                token(`s${round}-${i}`, '2024-01-01T10:01:00.000Z', '2024-01-01T22:01:00.000Z'),
              ),
            ),
          );
          expect(results.filter(Boolean)).toHaveLength(1);
        }
      });
    });

    describeDashboardReads({ store: () => store });
    describeDashboardBuildsAndGroups({ store: () => store });
    describeFeedbackInbox({ store: () => store });
  });
}
