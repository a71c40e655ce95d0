import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex, solidPng } from '../../../test/support/png-bytes.js';
import { describeContentStore } from '../content-store.test-suite.js';
import { openStore } from '../open-store.js';

describeContentStore('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-content-'));
  return { location: { dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});

describe('the embedded store sweeping what a crash left in its content directory', () => {
  it('removes old temporary files and old files no row names, and keeps the rest', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-orphans-'));
    const store = await openStore({ dataDir });
    try {
      await store.createApp({
        id: 'a1',
        name: 'Orphans',
        bundleId: 'com.example.orphans',
        sku: 'ORPHANS',
        primaryLocale: 'en-US',
        createdAt: '2023-01-01T00:00:00.000Z',
      });
      const bytes = await solidPng(3, 2, '#123456');
      const sha256 = sha256Hex(bytes);
      await store.putContent(
        'a1',
        {
          sha256,
          mediaType: 'image/png',
          width: 3,
          height: 2,
          byteLength: bytes.length,
          uploadedAt: new Date().toISOString(),
        },
        bytes,
      );
      const folder = join(dataDir, 'content', 'ab');
      await mkdir(folder, { recursive: true });
      const orphan = join(folder, `ab${'0'.repeat(62)}`);
      const partial = join(folder, '.0123456789ab.partial');
      const young = join(folder, `ab${'1'.repeat(62)}`);
      for (const file of [orphan, partial, young]) await writeFile(file, 'left by a crash');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      for (const file of [orphan, partial]) await utimes(file, twoHoursAgo, twoHoursAgo);
      const named = join(dataDir, 'content', sha256.slice(0, 2), sha256);
      await utimes(named, twoHoursAgo, twoHoursAgo);

      // The upload is named by no submission but is younger than the data clock's cut: it stays, with its file.
      expect(await store.pruneUnnamedContent('2000-01-01T00:00:00.000Z', 10)).toBe(0);
      expect([orphan, partial, young, named].map((file) => existsSync(file))).toEqual([
        false,
        false,
        true,
        true,
      ]);
      expect((await store.readContent('a1', sha256))?.bytes).toEqual(bytes);
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
