import { describe, expect, it } from 'vitest';
import { isBuilt, runNodeModule, sourceFiles } from '../../test/support/package-checks.js';

// Runs the built package as an app would get it: `npm test` builds first.
const built = isBuilt('dist/ingest-client/index.js');
if (!built) console.warn('package-export: skipped, dist/ingest-client is not built (run npm run build)');

describe.skipIf(!built)('the package subpath beta-metrics/ingest', () => {
  it('resolves through package.json exports, with its declarations', async () => {
    const run = await runNodeModule(`
      import * as ingest from 'beta-metrics/ingest';
      import pkg from 'beta-metrics/package.json' with { type: 'json' };
      console.log(JSON.stringify({ exports: Object.keys(ingest).sort(), types: pkg.exports['./ingest'].types }));
    `);

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      exports: [
        'DEFAULT_QUEUE_KEY',
        'IngestClientError',
        'createIngestClient',
        'keyValueQueueStorage',
        'memoryQueueStorage',
      ],
      types: './dist/ingest-client/index.d.ts',
    });
    expect(isBuilt('dist/ingest-client/index.d.ts')).toBe(true);
  });

  it('lets Node exit while its flush timer and a retry wait', async () => {
    const run = await runNodeModule(`
      import { createIngestClient } from 'beta-metrics/ingest';
      const client = createIngestClient({
        endpoint: 'http://127.0.0.1:9', ingestKey: 'bmi_unused', appId: '100',
        flushIntervalMs: 60_000, retry: { baseMs: 60_000, maxMs: 60_000 }, onError: () => {},
      });
      await client.track({ type: 'session', testerId: 't1' });
      const result = await client.flush();
      console.log(JSON.stringify({ kind: result.error?.kind, pending: result.pending }));
    `);

    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ kind: 'network', pending: 1 });
  });
});

describe('portability to browsers and React Native', () => {
  it('imports no Node built-in and uses no Buffer', async () => {
    const files = await sourceFiles('src/ingest-client');

    expect(files.map((file) => file.name)).toContain('create-ingest-client.ts');
    for (const { name, text } of files) {
      expect(text, name).not.toMatch(/from ['"]node:|import\(['"]node:|require\(/);
      expect(text, name).not.toMatch(/\bBuffer\b/);
    }
  });
});
