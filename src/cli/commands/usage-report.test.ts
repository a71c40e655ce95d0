import { expect, it } from 'vitest';
import { csvField } from './usage-report.js';

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
