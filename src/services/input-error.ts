import { unstorableText } from '../domain/storable-text.js';

/**
 * An operator's input cannot be used (a malformed email, a bundle id already taken). The message is one line
 * that says what is wrong and what to do; the CLI prints it as it is.
 */
export class InputError extends Error {
  /**
   * @param field Apple's name of the attribute or relationship at fault (`email`, `betaGroups`), when there is
   *   one: the API's writes point at it (`/data/attributes/email`).
   */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** The input asks for what exists already (a tester already in the group): 409 STATE_ERROR over the API. */
export class ConflictError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
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
