import { type Command, Option } from 'commander';
import { type AscClient, type ClientOptions, createClient } from '../client/index.js';
import { ExitCodeError } from './exit-code-error.js';

/** Exit codes of the commands that are clients of a server (`usage`, `journal`), for scripts. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH = 3;
export const EXIT_NOT_FOUND = 4;
export const EXIT_RATE_LIMITED = 5;

/** Where a client command sends its requests, and the API key it signs them with. */
export interface ClientFlags {
  readonly baseUrl: string;
  readonly keyFile?: string;
  readonly keyId?: string;
  readonly issuerId?: string;
}

/** `--base-url` and the key's three options, from the flags or the environment, as App Store Connect tools name them. */
export function withClientOptions(command: Command, defaultBaseUrl: string): Command {
  return command
    .addOption(
      new Option('--base-url <url>', "the API's base URL")
        .env('BETA_METRICS_BASE_URL')
        .default(defaultBaseUrl),
    )
    .addOption(new Option('--key-file <file>', 'the AuthKey_<KEYID>.p8 file').env('ASC_PRIVATE_KEY_PATH'))
    .addOption(new Option('--key-id <keyId>', 'the Key ID').env('ASC_KEY_ID'))
    .addOption(
      new Option('--issuer-id <issuerId>', 'the Issuer ID (team keys; omit for an individual key)').env(
        'ASC_ISSUER_ID',
      ),
    );
}

/** A client of beta-metrics/client signing with the flags' key; a usage error (2) when the key is missing or unusable. */
export function clientOf(
  flags: ClientFlags,
  defaultBaseUrl: string,
  options: Partial<Omit<ClientOptions, 'baseUrl' | 'keyId' | 'keyFile' | 'issuerId'>> = {},
): AscClient {
  // An empty environment variable counts as unset.
  if (!flags.keyId || !flags.keyFile) {
    throw new ExitCodeError(
      EXIT_USAGE,
      'no API key: pass --key-id and --key-file (or set ASC_KEY_ID and ASC_PRIVATE_KEY_PATH), and ' +
        '--issuer-id (ASC_ISSUER_ID) for a team key',
    );
  }
  try {
    return createClient({
      ...options,
      // An empty BETA_METRICS_BASE_URL counts as unset too.
      baseUrl: flags.baseUrl || defaultBaseUrl,
      keyId: flags.keyId,
      keyFile: flags.keyFile,
      ...(flags.issuerId !== undefined && flags.issuerId !== '' && { issuerId: flags.issuerId }),
    });
  } catch (error) {
    throw new ExitCodeError(EXIT_USAGE, error instanceof Error ? error.message : String(error));
  }
}
