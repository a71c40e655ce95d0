import { unstorableText } from '../domain/storable-text.js';

/**
 * An operator's input cannot be used (a malformed email, a bundle id already taken). The message is one line
 * that says what is wrong and what to do; the CLI prints it as it is.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Refuses text no store can keep (domain/storable-text.ts) before anything is looked up or written, naming the
 * field: `{ 'first name': input.firstName }` → "the first name contains the NUL character (U+0000), ...".
 */
export function refuseUnstorableText(fields: Readonly<Record<string, string | null | undefined>>): void {
  for (const [field, value] of Object.entries(fields)) {
    const problem = value === undefined || value === null ? undefined : unstorableText(value);
    if (problem !== undefined) throw new InputError(`the ${field} ${problem}`);
  }
}
