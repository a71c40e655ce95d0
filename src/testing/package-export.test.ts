import { describe, expect, it } from 'vitest';
import { isBuilt, runNodeModule } from '../../test/support/package-checks.js';

// Runs the built package as a test suite would get it: `npm test` builds first.
const built = isBuilt('dist/testing/index.js');
if (!built) console.warn('package-export: skipped, dist/testing is not built (run npm run build)');

describe.skipIf(!built)('the package subpath beta-metrics/testing', () => {
  it('starts a stand-in from plain Node, answers with its key, resets, and lets Node exit after close', async () => {
    const run = await runNodeModule(`
      import { startStandIn } from 'beta-metrics/testing';
      import pkg from 'beta-metrics/package.json' with { type: 'json' };
      const fixture = { ndjson: JSON.stringify({ kind: 'app', id: '1234567890', name: 'Nightjar', bundleId: 'com.example.nightjar' }) };
      const standIn = await startStandIn({ fixture });
      const apps = async () => {
        const answer = await fetch(standIn.baseUrl + '/v1/apps', { headers: { authorization: 'Bearer ' + (await standIn.token()) } });
        return (await answer.json()).data.map((app) => app.id);
      };
      const before = await apps();
      await standIn.snapshot.save('one');
      await standIn.reset();
      await standIn.faults.add({ fault: { status: 500 }, match: { operation: 'apps_getCollection' }, when: { nth: 1 } });
      const faulted = await fetch(standIn.baseUrl + '/v1/apps', { headers: { authorization: 'Bearer ' + (await standIn.token()) } });
      // reset() cleared the journal: only the faulted request is in it.
      const journal = await standIn.journal.entries({ operation: 'apps_getCollection' });
      await standIn.close();
      console.log(JSON.stringify({ before, status: faulted.status, journal: journal.map((entry) => entry.status), types: pkg.exports['./testing'].types }));
    `);

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      before: ['1234567890'],
      status: 500,
      journal: [500],
      types: './dist/testing/index.d.ts',
    });
  });
});
