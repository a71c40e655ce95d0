import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { InputError } from './input-error.js';

// What the services store from outside (the CLI, import, the demo) is refused the same on both stores when no
// store can keep it, with one line naming the field; PostgreSQL failed on it, even in the lookups first.

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
  await seedApp(harness.store, '100', []);
});
afterEach(() => harness.close());

const NUL = 'contains the NUL character (U+0000), which text may not contain';
const LONE =
  'contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), so it is not well-formed Unicode text';

it.each([
  [{ name: 'A\u0000', bundleId: 'com.example.a' }, `the app name ${NUL}`],
  [{ name: 'A', bundleId: 'com.example.a', sku: '\ud800' }, `the SKU ${LONE}`],
  [{ name: 'A', bundleId: 'com.example.a', id: '1\u0000' }, `the app id ${NUL}`],
])('apps.create refuses %o', async (input, message) => {
  await expect(harness.services.apps.create(input)).rejects.toThrow(new InputError(message));
  expect(await harness.store.countApps({})).toBe(1);
});

it.each([
  [{ appId: '100', email: 'a\u0000@example.com' }, `the email ${NUL}`],
  [{ appId: '100\u0000', email: 'a@example.com' }, `the app id ${NUL}`],
  [{ appId: '100', email: 'a@example.com', firstName: '\udc00' }, `the first name ${LONE}`],
  [{ appId: '100', email: 'a@example.com', lastName: 'x\u0000' }, `the last name ${NUL}`],
])('betaTesters.add refuses %o', async (input, message) => {
  await expect(harness.services.betaTesters.add(input)).rejects.toThrow(new InputError(message));
  expect(await harness.store.countTesters({})).toBe(0);
});

it('apiKeys.create refuses a name with a NUL', async () => {
  await expect(harness.services.apiKeys.create({ name: 'ci\u0000', role: 'ADMIN' })).rejects.toThrow(
    new InputError(`the key name ${NUL}`),
  );
});
