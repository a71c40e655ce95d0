import type {
  CrashLogHead,
  FeedbackBuildLabel,
  FeedbackInboxItem,
} from '../../domain/records/feedback-inbox.js';
import type { FeedbackSubmissionRecord } from '../../domain/records/feedback.js';
import { crashLogHref, type FeedbackView, feedbackHref } from '../feedback-params.js';
import { formatCount, formatInstant, testerName } from '../format.js';
import { type Html, html } from '../html.js';
import type { ScreenshotLinker, StoredScreenshot } from '../screenshot-links.js';
import { platformName } from './builds-page.js';

/** Lines of a crash log the inbox shows; the rest is in the downloaded file. */
export const CRASH_LOG_LINES = 20;

const CONNECTIONS: Record<string, string> = {
  WIFI: 'Wi-Fi',
  MOBILE_DATA: 'Cellular',
  WIRE: 'Wired',
  UNKNOWN: 'Unknown',
  NONE: 'None (offline)',
};
const FAMILIES: Record<string, string> = {
  IPHONE: 'iPhone',
  IPAD: 'iPad',
  APPLE_TV: 'Apple TV',
  APPLE_WATCH: 'Apple Watch',
  MAC: 'Mac',
  VISION: 'Apple Vision',
};

/**
 * One submission of the inbox: what kind, when, from which build and tester, the tester's words, the device,
 * and its screenshots or the head of its crash log. Every text from the device or the tester goes through the
 * `html` template, which escapes it: a comment shows as the tester typed it, markup included.
 */
export function feedbackItem(
  appId: string,
  item: FeedbackInboxItem,
  view: FeedbackView,
  links: ScreenshotLinker,
): Html {
  const { submission } = item;
  const headingId = `feedback-${item.kind}-${submission.id}`;
  return html`<article class="feedback" data-kind="${item.kind}" data-submission="${submission.id}" aria-labelledby="${headingId}">
  <header class="feedback-head">
    <h3 id="${headingId}"><span class="kind kind-${item.kind}">${item.kind === 'crash' ? 'Crash' : 'Screenshot feedback'}</span>
      <time datetime="${submission.createdDate}">${formatInstant(submission.createdDate)}</time></h3>
    <p class="feedback-from">${buildPart(appId, item.build, view)} · ${testerPart(appId, item, view)}</p>
  </header>
  ${
    submission.comment === null || submission.comment === ''
      ? html`<p class="comment none">No comment</p>`
      : html`<p class="comment">${submission.comment}</p>`
  }
  ${deviceDetails(submission)}
  ${item.kind === 'screenshot' && screenshots(appId, item.submission.screenshots, links)}
  ${item.kind === 'crash' && crashLog(appId, submission.id, item.crashLog)}
</article>`;
}

/** The view with one filter changed, from the newest page. */
function filtered(view: FeedbackView, change: Partial<FeedbackView>): FeedbackView {
  const { before: _page, ...filters } = view;
  return { ...filters, ...change };
}

/** "1.5 (412)", or the build number alone for a build without a pre-release version. */
export function feedbackBuildLabel(build: FeedbackBuildLabel): string {
  const version = build.version === null ? build.number : `${build.version} (${build.number})`;
  return build.platform === null ? version : `${version} · ${platformName(build.platform)}`;
}

function buildPart(appId: string, build: FeedbackBuildLabel | null, view: FeedbackView): Html {
  if (build === null) return html`<span class="muted">No build</span>`;
  return html`Build <a href="${feedbackHref(appId, filtered(view, { buildId: build.id }))}" data-filter="build" title="Only this build's feedback">${feedbackBuildLabel(build)}</a>`;
}

function testerPart(appId: string, item: FeedbackInboxItem, view: FeedbackView): Html {
  const { tester, submission } = item;
  if (tester === null)
    return submission.email === null
      ? html`<span class="muted">No tester</span>`
      : html`<span class="email">${submission.email}</span>`;
  const name = testerName(tester);
  return html`<a href="${feedbackHref(appId, filtered(view, { testerId: tester.id }))}" data-filter="tester" title="Only this tester's feedback">${name === '(no name)' ? tester.email : name}</a>${
    name !== '(no name)' && html` <span class="email">${tester.email}</span>`
  }`;
}

/** The device's details a submission carries, each only when the device sent it. */
function deviceDetails(s: FeedbackSubmissionRecord): Html {
  const os = [s.devicePlatform === null ? null : platformName(s.devicePlatform), s.osVersion]
    .filter((part) => part !== null)
    .join(' ');
  const rows: Array<[string, string | Html | null]> = [
    [
      'Device',
      s.deviceModel === null
        ? s.deviceFamily === null
          ? null
          : (FAMILIES[s.deviceFamily] ?? s.deviceFamily)
        : `${s.deviceModel}${s.deviceFamily === null ? '' : ` (${FAMILIES[s.deviceFamily] ?? s.deviceFamily})`}`,
    ],
    ['OS', os === '' ? null : os],
    [
      'App platform',
      s.appPlatform === null || s.appPlatform === s.devicePlatform ? null : platformName(s.appPlatform),
    ],
    ['Locale', s.locale],
    ['Time zone', s.timeZone],
    ['Battery', s.batteryPercentage === null ? null : `${s.batteryPercentage}%`],
    ['Connection', s.connectionType === null ? null : (CONNECTIONS[s.connectionType] ?? s.connectionType)],
    [
      'Screen',
      s.screenWidthInPoints === null || s.screenHeightInPoints === null
        ? null
        : `${s.screenWidthInPoints} × ${s.screenHeightInPoints} pt`,
    ],
    ['Disk', diskText(s.diskBytesAvailable, s.diskBytesTotal)],
    ['App uptime', s.appUptimeInMilliseconds === null ? null : formatUptime(s.appUptimeInMilliseconds)],
    ['Architecture', s.architecture],
    ['Paired Apple Watch', s.pairedAppleWatch],
    ['Bundle id', s.buildBundleId === null ? null : html`<code>${s.buildBundleId}</code>`],
  ];
  const shown = rows.filter(([, value]) => value !== null && value !== '');
  if (shown.length === 0) return html`<p class="device none">No device details</p>`;
  return html`<dl class="device">${shown.map(
    ([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`,
  )}</dl>`;
}

/** `1.5 GB`: bytes in decimal units, as Apple's Settings shows storage. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0
    ? `${formatCount(bytes)} bytes`
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function diskText(available: number | null, total: number | null): string | null {
  if (available === null) return total === null ? null : `${formatBytes(total)} in all`;
  return total === null
    ? `${formatBytes(available)} free`
    : `${formatBytes(available)} free of ${formatBytes(total)}`;
}

/** `2 h 5 min`, `3 min 20 s`, `12 s`. */
export function formatUptime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return `${formatCount(h)} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

function screenshots(appId: string, images: readonly StoredScreenshot[], links: ScreenshotLinker): Html {
  if (images.length === 0) return html`<p class="note">No screenshot</p>`;
  return html`<ul class="shots">${images.map((image, i) => {
    const link = links(appId, image);
    const label = `Screenshot ${i + 1} of ${images.length}`;
    const size = `${link.width} × ${link.height}`;
    return html`<li><a href="${link.full}" target="_blank" rel="noopener noreferrer" title="Open the full image">${
      link.thumbnail === undefined
        ? html`<span class="shot-elsewhere"><span>${label}</span><small>${size}</small><small>on ${hostOf(link.full)} ↗</small></span>`
        : html`<img src="${link.thumbnail.src}" width="${link.thumbnail.width}" height="${link.thumbnail.height}" alt="${label}, ${size}" loading="lazy">`
    }</a></li>`;
  })}</ul>`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function crashLog(appId: string, submissionId: string, log: CrashLogHead | null): Html {
  if (log === null) return html`<p class="note">No crash log</p>`;
  const lines = log.text.split(/\r\n|\n|\r/);
  const shown = lines.slice(0, CRASH_LOG_LINES);
  const more = log.truncated || lines.length > CRASH_LOG_LINES;
  return html`<div class="crash-log">
    <pre aria-label="${more ? `The crash log's first ${shown.length} lines` : 'The crash log'}">${shown.join('\n')}</pre>
    <p><a href="${crashLogHref(appId, submissionId)}" download>Download log</a>${
      more && html` <span class="note">(the whole log; above, its first ${shown.length} lines)</span>`
    }</p>
  </div>`;
}
