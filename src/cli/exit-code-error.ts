/**
 * A failure whose command chose the exit code, for commands scripts branch on (`usage`: 3 auth, 4 not found,
 * 5 rate limited). The message is one line that says what to do; the CLI prints it as it is.
 */
export class ExitCodeError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExitCodeError';
    this.exitCode = exitCode;
  }
}
