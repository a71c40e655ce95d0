import { describe, expect, it } from 'vitest';
import { isBuilt, runNodeModule } from '../../test/support/package-checks.js';

// Runs the built package as a script would get it: `npm test` builds first.
const built = isBuilt('dist/client/index.js');
if (!built) console.warn('package-export: skipped, dist/client is not built (run npm run build)');

describe.skipIf(!built)('the package subpath beta-metrics/client', () => {
  it('resolves through package.json exports, with its declarations', async () => {
    const run = await runNodeModule(`
      import * as client from 'beta-metrics/client';
      import pkg from 'beta-metrics/package.json' with { type: 'json' };
      console.log(JSON.stringify({ exports: Object.keys(client).sort(), types: pkg.exports['./client'].types }));
    `);

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      exports: [
        'APPLE_BASE_URL',
        'AscApiError',
        'NETWORK_ERROR',
        'UNEXPECTED_RESPONSE',
        'createClient',
        'parseRateLimit',
      ],
      types: './dist/client/index.d.ts',
    });
    expect(isBuilt('dist/client/index.d.ts')).toBe(true);
  });

  it('lets Node exit once a listing is done (no timer or connection keeps it alive)', async () => {
    const run = await runNodeModule(`
      import { createServer } from 'node:http';
      import { generateKeyPairSync } from 'node:crypto';
      import { createClient } from 'beta-metrics/client';
      const server = createServer((request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: [], links: { self: 's' }, meta: { paging: { total: 0, limit: 200 } } }));
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      const client = createClient({ baseUrl: 'http://127.0.0.1:' + server.address().port, keyId: 'K', privateKey: pem });
      let rows = 0;
      for await (const _ of client.betaTesterUsages('1')) rows++;
      server.close();
      server.closeAllConnections();
      console.log(JSON.stringify({ rows }));
    `);

    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ rows: 0 });
  });
});
