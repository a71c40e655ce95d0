/**
 * Text from testers, events and import files shown to a person (CLI tables and lines, error details): every
 * character a terminal would act on or that would hide or reorder what is shown is written as an escape.
 *
 * - C0 and C1 controls and DEL (\p{Cc}): ESC starts terminal sequences (colours, cursor moves, the window
 *   title), CR and BS overwrite what came before, BEL rings;
 * - format characters (\p{Cf}): the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
 *   the marks U+200E, U+200F and U+061C, zero-width characters, U+FEFF. A ZWJ inside an emoji sequence is
 *   escaped too: showing exactly what is stored is worth more here than drawing the emoji;
 * - the line and paragraph separators U+2028 and U+2029, and unpaired surrogates (\p{Cs}, not text at all);
 * - the Hangul fillers, letters that draw nothing (U+115F, U+1160, U+3164, U+FFA0).
 *
 * Escapes read `\x1b` up to U+00FF, `\u202e` up to U+FFFF, `\u{e0001}` beyond. A backslash itself is left as
 * it is: this is for reading, not a codec, and it keeps the function idempotent (escaping twice changes
 * nothing), so a line built of escaped parts can be escaped again safely.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;

export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    const hex = code.toString(16);
    if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
    if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
    return `\\u{${hex}}`;
  });
}
