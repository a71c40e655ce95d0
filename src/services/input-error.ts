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
