import { visibleText } from '../domain/visible-text.js';

/** Where commands write: prose for people, one JSON value for scripts (`--json`). */
export interface Output {
  line(text: string): void;
  json(value: unknown): void;
  /** Progress on a terminal, rewritten in place; nothing when stderr is not a terminal. */
  progress(text: string): void;
  error(text: string): void;
}

export function processOutput(): Output {
  let progressShown = false;
  const endProgress = () => {
    if (progressShown) process.stderr.write('\n');
    progressShown = false;
  };
  return {
    // Lines go out as they are: `usage --format csv|json|ndjson` writes data here. Commands escape the stored
    // text they put in prose with visibleText, and tables (formatTable) escape every cell.
    line(text) {
      endProgress();
      process.stdout.write(`${text}\n`);
    },
    json(value) {
      endProgress();
      process.stdout.write(`${JSON.stringify(value)}\n`);
    },
    progress(text) {
      if (!process.stderr.isTTY) return;
      process.stderr.write(`\r${text}\u001b[K`);
      progressShown = true;
    },
    error(text) {
      endProgress();
      process.stderr.write(`${text}\n`);
    },
  };
}

/**
 * A plain table: a header row and left-aligned columns. Cells hold stored text (names testers gave themselves,
 * lines of an import file): every control, bidi or invisible character is shown escaped (visible-text.ts), so
 * a name cannot recolour the terminal, move the cursor or reorder the columns.
 */
export function formatTable(headers: readonly string[], rawRows: ReadonlyArray<readonly string[]>): string {
  const rows = rawRows.map((row) => row.map(visibleText));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(headers), ...rows.map(format)].join('\n');
}
