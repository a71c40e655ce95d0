import { expect, it } from 'vitest';
import { csvField, formatReport } from './usage-report.js';

it('writes CSV fields a spreadsheet reads as data: quoted when needed, never as a formula', () => {
  expect(csvField('Ada')).toBe('Ada');
  expect(csvField('Lovelace, Ada')).toBe('"Lovelace, Ada"');
  expect(csvField('say "hi"')).toBe('"say ""hi"""');
  expect(csvField(null)).toBe('');
  expect(csvField(-3)).toBe('-3');
  for (const formula of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tcmd']) {
    expect(csvField(formula).replace(/^"/, '').startsWith("'")).toBe(true);
  }
  expect(csvField('=1,2')).toBe(`"'=1,2"`);
});

it('shows controls and bidi characters of names escaped in the table, and keeps them exact in CSV', () => {
  const row = {
    testerId: 't1',
    firstName: '\u001b[31mEve\u202e',
    lastName: null,
    email: 'e\u0007@x',
    sessionCount: 1,
    crashCount: 0,
    feedbackCount: 0,
  };
  const table = formatReport([row], 'table');
  expect(table).toContain('\\x1b[31mEve\\u202e');
  expect(table).toContain('e\\x07@x');
  expect(table.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u202e]/u);
  expect(formatReport([row], 'csv')).toContain('\u001b[31mEve\u202e');
});
