import type { Runtime, RuntimeOptions } from '../cli/cli-deps.js';
import { fixedClock, systemClock } from '../domain/clock.js';
import { createServices } from '../services/services.js';
import { openStore } from '../storage/open-store.js';

/** The composition root's first half: config -> store -> services. `serve` adds the HTTP app. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const store = await openStore(options.store);
  try {
    await options.beforeServices?.(store);
    const reportClock = options.reportTime === undefined ? systemClock : fixedClock(options.reportTime);
    const services = await createServices(store, { clock: systemClock, reportClock }, options.ingestion);
    return { store, services, clock: systemClock, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
