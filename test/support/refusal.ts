import { ConflictError, InputError } from '../../src/services/input-error.js';

/** Runs `write` and gives the InputError it threw: its class, message and field. */
export async function refusal(write: () => Promise<unknown>) {
  const error = await write().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return { conflict: error instanceof ConflictError, message: error.message, field: error.field };
}
