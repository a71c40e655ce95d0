import { createHash } from 'node:crypto';
import { DASHBOARD_PATH } from '../../services/dashboard-sessions.js';
import { DASHBOARD_CSS } from './dashboard-css.js';
import { DASHBOARD_JS } from './dashboard-js.js';

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#2563eb" d="M1 15V9h3v6zm5 0V4h3v11zm5 0V1h3v14z"/></svg>';

export interface Asset {
  /** With its content's hash, so it can be cached for good: a new build gets new names. */
  readonly name: string;
  readonly href: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * The dashboard's files, kept as TypeScript strings so `tsc` alone ships them in dist/ (the package's `files`
 * is dist only) and `npm start` on a fresh clone serves them.
 */
function asset(base: string, extension: string, contentType: string, text: string): Asset {
  const body = Buffer.from(text);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const name = `${base}.${hash}.${extension}`;
  return { name, href: `${DASHBOARD_PATH}/assets/${name}`, contentType, body };
}

export const ASSETS = {
  css: asset('dashboard', 'css', 'text/css; charset=utf-8', DASHBOARD_CSS),
  js: asset('dashboard', 'js', 'text/javascript; charset=utf-8', DASHBOARD_JS),
  icon: asset('icon', 'svg', 'image/svg+xml', ICON),
} as const;

const BY_NAME = new Map(Object.values(ASSETS).map((a) => [a.name, a]));

export function findAsset(name: string): Asset | undefined {
  return BY_NAME.get(name);
}
