import { afterAll, beforeAll, expect, it } from 'vitest';
import { getPage, signIn } from '../../test/support/dashboard.js';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';

// An address naming text no store holds (a NUL) is answered the same on both stores: PostgreSQL failed (500).

let harness: Harness;
let cookie: string;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(harness.store, '1111111111', [{ id: 't1', sessions: 2 }]);
  cookie = await signIn(harness);
});
afterAll(() => harness.close());

it('answers an app or tester id with a NUL as a page that does not exist', async () => {
  for (const url of ['/dashboard/apps/1%00', '/dashboard/apps/1111111111/testers/t1%00']) {
    const page = await getPage(harness, url, cookie);
    expect(page.statusCode, url).toBe(404);
    expect(page.body).toContain('The dashboard has no page at this address.');
  }
});

it('refuses a search for a NUL as an odd address, saying why', async () => {
  const page = await getPage(harness, '/dashboard/apps/1111111111?q=a%00b', cookie);
  expect(page.statusCode).toBe(400);
  expect(page.body).toContain('The text to find contains the NUL character (U+0000)');
});
