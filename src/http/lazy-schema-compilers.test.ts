import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { createHarness } from '../../test/support/harness.js';

const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));
/** Fastify's serializer compiler and its validator compiler, as the files Node keeps once they are loaded. */
const COMPILERS = ['@fastify/fast-json-stringify-compiler', '@fastify/ajv-compiler'].map((id) =>
  fastifyRequire.resolve(id),
);
const loaded = () => COMPILERS.map((file) => fastifyRequire.cache[file] !== undefined);

// Each test file runs in a process of its own (vitest's default isolation): nothing else loaded them before.
it('starts the server and answers /healthz without the schema compilers; the first answer with a schema loads the serializer', async () => {
  const harness = await createHarness();
  try {
    expect(loaded()).toEqual([false, false]);

    // The readiness probe: answered before any schema is needed (routes/health.ts).
    const health = await harness.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.body).toBe('{"status":"ok"}');
    expect(loaded()).toEqual([false, false]);

    const apps = await harness.get('/v1/apps');
    expect(apps.statusCode).toBe(200);
    expect(loaded()).toEqual([true, false]);
  } finally {
    await harness.close();
  }
});
