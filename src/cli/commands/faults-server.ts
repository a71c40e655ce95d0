import { readFile } from 'node:fs/promises';
import { signToken } from '../../wire-common/sign-token.js';
import { EXIT_AUTH, EXIT_FAILED, EXIT_NOT_FOUND, EXIT_USAGE } from '../client-options.js';
import { ExitCodeError } from '../exit-code-error.js';

// Exit codes of `faults`, as `usage` has them: 2 usage, 3 auth (401/403), 4 not found (404).

export const DEFAULT_FAULTS_BASE_URL = 'http://127.0.0.1:8080';
const FAULTS_PATH = '/_beta-metrics/faults';
const TIMEOUT_MS = 30_000;

/** The server and the key `faults` talks to it with (`--base-url`, `--key-file`, `--key-id`, `--issuer-id`). */
export interface FaultsServerFlags {
  baseUrl: string;
  keyFile?: string;
  keyId?: string;
  issuerId?: string;
}

export interface FaultsServer {
  readonly baseUrl: string;
  /** Sends `method` to `/_beta-metrics/faults` + `suffix`; the JSON answered (undefined for 204). */
  send(method: 'GET' | 'POST' | 'DELETE', suffix?: string, body?: unknown): Promise<unknown>;
}

/**
 * The running server's fault rules, over HTTP with a token signed as `usage`'s client signs them
 * (wire-common/sign-token.ts), fresh for each request. An error answer is one line with the server's code and
 * detail, and what to do about it.
 */
export async function faultsServer(flags: FaultsServerFlags): Promise<FaultsServer> {
  // An empty environment variable counts as unset.
  if (!flags.keyId || !flags.keyFile) {
    throw new ExitCodeError(
      EXIT_USAGE,
      'no API key: pass --key-id and --key-file (or set ASC_KEY_ID and ASC_PRIVATE_KEY_PATH), and ' +
        '--issuer-id (ASC_ISSUER_ID) for a team key; the key must be an ADMIN key made with keys create --testing',
    );
  }
  const baseUrl = baseUrlOf(flags.baseUrl || DEFAULT_FAULTS_BASE_URL);
  let privateKeyPem: string;
  try {
    privateKeyPem = await readFile(flags.keyFile, 'utf8');
  } catch (error) {
    throw new ExitCodeError(
      EXIT_USAGE,
      `cannot read the key file ${flags.keyFile} (${(error as { code?: string }).code ?? 'unreadable'})`,
    );
  }
  const keyId = flags.keyId;
  const issuerId = flags.issuerId || undefined;
  return {
    baseUrl,
    async send(method, suffix = '', body) {
      const token = await signToken({
        privateKeyPem,
        keyId,
        ...(issuerId !== undefined && { issuerId }),
        now: new Date(),
      }).catch((error: Error) => {
        throw new ExitCodeError(EXIT_USAGE, error.message);
      });
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${FAULTS_PATH}${suffix}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        throw new ExitCodeError(EXIT_FAILED, `cannot reach ${baseUrl} (${cause}); is the server running?`);
      }
      const text = await response.text();
      if (response.ok) return text === '' ? undefined : (JSON.parse(text) as unknown);
      throw answerError(response.status, text, baseUrl);
    },
  };
}

/** One line: the status, Apple's code and detail of each error, and a hint for the usual causes. */
function answerError(status: number, text: string, baseUrl: string): ExitCodeError {
  let problems = `HTTP ${status}`;
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: string; detail?: string }> };
    const listed = (body.errors ?? []).map((item) => `${item.code}: ${item.detail}`);
    if (listed.length > 0) problems = `${status} ${listed.join('; ')}`;
  } catch {
    // Not JSON: the status says enough.
  }
  const hints: Record<number, [number, string]> = {
    401: [EXIT_AUTH, 'check --key-id, --issuer-id and the key file'],
    403: [
      EXIT_AUTH,
      'the key must be an ADMIN key with TESTING (beta-metrics keys create --role ADMIN --testing)',
    ],
    404: [EXIT_NOT_FOUND, `is ${baseUrl} a beta-metrics server run with --allow-faults?`],
  };
  const [code, hint] = hints[status] ?? [EXIT_FAILED, ''];
  return new ExitCodeError(code, hint === '' ? problems : `${problems}; ${hint}`);
}

function baseUrlOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ExitCodeError(
      EXIT_USAGE,
      `--base-url '${text}' is not a URL; use one like ${DEFAULT_FAULTS_BASE_URL}`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '')
    throw new ExitCodeError(EXIT_USAGE, `--base-url '${text}' must be an http or https URL without a query`);
  return url.href.replace(/\/+$/, '');
}
