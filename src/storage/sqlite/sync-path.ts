import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file, or a directory's entries, to the disk. */
export function syncPath(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
