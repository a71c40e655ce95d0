import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE_NAME } from '../src/storage/sqlite/connection.js';

const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Reads the embedded store's file once, so that it sits in the OS's page cache as on a server that has been
 * up a while: "cold" in this bench means an answer the server has not kept (every page after a write), not
 * one read from the disk. Right after `bench:data` the 7 GB file was only partly cached on these VMs, and a
 * full run's cold pages took 6.3-7.4 ms at the median, against 2.7-3.6 ms once it was (BENCHMARKS.md, "Peak
 * RSS and the OS's page cache"). Returns how long the read took and how many bytes it read.
 */
export function readIntoPageCache(dataDir: string): { seconds: number; bytes: number } {
  const started = performance.now();
  const file = openSync(join(dataDir, SQLITE_FILE_NAME), 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let bytes = 0;
  try {
    for (;;) {
      const read = readSync(file, buffer, 0, CHUNK_BYTES, bytes);
      if (read === 0) break;
      bytes += read;
    }
  } finally {
    closeSync(file);
  }
  return { seconds: (performance.now() - started) / 1000, bytes };
}
