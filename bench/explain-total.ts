import { planOfInstalledTesterCount, type StoreLocation } from '../src/storage/open-store.js';

/** What the plan of `meta.paging.total`'s query reads on the bench store; `usageTables` must stay empty. */
export async function explainInstalledTesterCount(location: StoreLocation, appId: string) {
  const plan = await planOfInstalledTesterCount(location, appId);
  return { ...plan, usageTables: plan.tables.filter((table) => table.startsWith('usage_')) };
}
