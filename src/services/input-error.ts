import { unstorableText } from '../domain/storable-text.js';

/**
 * An operator's input cannot be used (a malformed email, a bundle id already taken). The message is one line
 * that says what is wrong and what to do; the CLI prints it as it is. `field` is the Apple attribute or
 * relationship the problem is about (`email`, `betaGroups`, ...), for the API to point at; absent when the
 * problem is about the whole request or the resource it names.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * The input is fine but clashes with what exists (a tester already in the app, a group name taken): a 409
 * over the API. An InputError, so every caller that shows InputErrors (the CLI) shows these too.
 */
export class ConflictError extends InputError {
  constructor(message: string, field?: string) {
    super(message, field);
    this.name = 'ConflictError';
  }
}

/** Runs `check`; an InputError it throws without a field gets `field`. */
export function inField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InputError) || error.field !== undefined) throw error;
    throw error instanceof ConflictError
      ? new ConflictError(error.message, field)
      : new InputError(error.message, field);
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

/** An InputError's message as a sentence (services write one lowercase line for an operator): for the API and pages. */
export function problemSentence(error: InputError): string {
  const { message } = error;
  return message.length === 0 ? message : `${message[0]?.toUpperCase()}${message.slice(1)}`;
}
