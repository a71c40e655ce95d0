import { InputError } from '../services/input-error.js';

/** Where `serve` listens. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_DATA_DIR = './.beta-metrics';
export const DEFAULT_RATE_LIMIT = 3600;

/** `HOST:PORT`, `:PORT`, `PORT` or `[IPV6]:PORT`; port 0 picks a free port. */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65_535) {
    throw new InputError(`'${text}' is not an address to listen on; use HOST:PORT, like 127.0.0.1:8080`);
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** An instant in ISO 8601 with a UTC offset (`2023-10-05T12:00:00Z`), for `--now`. */
export function parseInstant(text: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
  const at = new Date(text);
  if (!iso.test(text) || Number.isNaN(at.getTime())) {
    throw new InputError(
      `'${text}' is not an instant; use ISO 8601 with an offset, like 2023-10-05T12:00:00Z`,
    );
  }
  return at;
}

/** The public base URL links are built on: http(s), no query or fragment; a trailing slash is dropped. */
export function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      `'${text}' is not a URL; use the address clients reach, like https://metrics.example.com`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new InputError(`'${text}' must be an http or https URL without a query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Requests per key per hour; 0 turns limiting off. */
export function parseRateLimit(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw new InputError(
      `'${text}' is not a request budget; use a whole number of requests per hour (0: no limit)`,
    );
  }
  return Number(text);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseLogLevel(text: string): string {
  if (!LOG_LEVELS.includes(text))
    throw new InputError(`'${text}' is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  return text;
}

/** A positive whole number for a limit (`--ingest-max-events 1000`). */
export function parsePositiveInteger(option: string, text: string): number {
  if (!/^\d{1,12}$/.test(text.trim()) || Number(text) < 1) {
    throw new InputError(`'${text}' is not a valid ${option}; use a whole number of at least 1`);
  }
  return Number(text);
}

/** The longest timer Node keeps; a longer one fires at once (with a TimeoutOverflowWarning). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A timeout in milliseconds (`--headers-timeout 10000`): at least 1, at most Node's longest timer (~24 days). */
export function parseTimeoutMs(option: string, text: string): number {
  if (!/^\d{1,10}$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_TIMEOUT_MS) {
    throw new InputError(`'${text}' is not a valid ${option}; use milliseconds, from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return Number(text);
}
