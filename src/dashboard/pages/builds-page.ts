import { PERIOD_DAYS, type PeriodCode } from '../../domain/period.js';
import type { BuildUsage, BuildUsageReport, BuildUsageRow } from '../../domain/records/build-usage.js';
import type { BuildsDetail } from '../../services/dashboard.js';
import { appNav } from '../app-nav.js';
import { formatCount, formatCrashPercent, formatDay } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { appHref, appsHref, buildsHref, DEFAULT_VIEW } from '../view-params.js';
import { periodLinks } from './app-page.js';

const PLATFORMS: Record<string, string> = {
  IOS: 'iOS',
  MAC_OS: 'macOS',
  TV_OS: 'tvOS',
  VISION_OS: 'visionOS',
};
const NUMBERS_SHOWN = 10;
const SHOWN_AT_LEAST = 3;
const FOLDED_AT_LEAST = 2;

/** Whether the table has a heading per pre-release version, and names the platform in it. */
interface Headings {
  readonly versions: boolean;
  readonly platforms: boolean;
}

/** GET /dashboard/apps/:id/builds: every build, newest first, with its testers and numbers over the period. */
export function buildsPage(detail: BuildsDetail, period: PeriodCode): Html {
  const { app, window, report } = detail;
  const { builds, unmatched } = report;
  const platforms = new Set(builds.flatMap((b) => (b.preRelease === null ? [] : [b.preRelease.platform])));
  const headings: Headings = {
    versions: builds.some((b) => b.preRelease !== null),
    platforms: platforms.size > 1,
  };
  // The builds down to the oldest one used in the period (a few at least); older idle ones fold away.
  const used = builds.findLastIndex((b) => b.testers > 0);
  const keep = Math.max(used + 1, SHOWN_AT_LEAST);
  const [recent, older] =
    builds.length - keep > FOLDED_AT_LEAST ? [builds.slice(0, keep), builds.slice(keep)] : [builds, []];
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › <a href="${appHref(app.id, { ...DEFAULT_VIEW, period: period })}">${app.name}</a> › Builds</p>
<h1>${app.name}</h1>
${appNav(app.id, 'builds', period)}
${periodLinks({ ...DEFAULT_VIEW, period: period }, (to) => buildsHref(app.id, to.period))}
<h2>Builds</h2>
<p class="note">${formatDay(window.firstDay)} to ${formatDay(window.lastDay)} (UTC), the last ${PERIOD_DAYS[period]} days</p>
${
  builds.length === 0
    ? html`<div class="empty"><p><strong>No builds yet:</strong> builds appear when events name them or with
  <code>beta-metrics builds create</code>.</p>
  <p class="note">An event names its build with <code>"build": "412"</code>, the build number (CFBundleVersion); see
  "Sending events" in the README.</p></div>`
    : html`${buildsTable(recent, headings, unmatched)}
${
  older.length > 0 &&
  html`<details class="older-builds">
  <summary>${formatCount(older.length)} older ${older.length === 1 ? 'build' : 'builds'}, without events in these days</summary>
  ${buildsTable(older, headings, undefined)}
</details>`
}
<p class="note">Testers: those with any event of the build in these days, installs included. Crash rate: crashes
  per session, as a percentage; — without sessions.</p>`
}`;
  return page({ title: `Builds · ${app.name}`, signedIn: true, body, reportDay: window.lastDay });
}

function buildsTable(
  builds: readonly BuildUsageRow[],
  headings: Headings,
  unmatched: BuildUsageReport['unmatched'],
): Html {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label="Builds (scrolls sideways on small screens)">
<table class="builds">
  <thead><tr><th scope="col">Build</th><th scope="col">Uploaded</th><th scope="col" class="num">Testers</th><th scope="col" class="num">Sessions</th><th scope="col" class="num">Crashes</th><th scope="col" class="num">Crash rate</th><th scope="col" class="num">Feedback</th></tr></thead>
  ${runsOfVersions(builds).map((run) => versionRun(run, headings))}
  ${
    unmatched !== undefined &&
    html`<tbody class="unmatched"><tr data-build="">
    <th scope="row">Other events<small>${unmatchedLabel(unmatched.numbers)}</small></th>
    <td>—</td>${usageCells(unmatched)}
  </tr></tbody>`
  }
</table>
</div>`;
}

/** Consecutive builds of one pre-release version (builds are newest first, so a version's builds are together). */
function runsOfVersions(builds: readonly BuildUsageRow[]): BuildUsageRow[][] {
  const runs: BuildUsageRow[][] = [];
  for (const build of builds) {
    const last = runs.at(-1);
    if (last?.[0] !== undefined && versionKey(last[0]) === versionKey(build)) last.push(build);
    else runs.push([build]);
  }
  return runs;
}

const versionKey = (build: BuildUsageRow) =>
  build.preRelease === null ? '' : `${build.preRelease.platform} ${build.preRelease.version}`;

function versionRun(run: readonly BuildUsageRow[], headings: Headings): Html {
  const first = run[0];
  // A heading per version only where there are versions to tell apart.
  const heading =
    first === undefined || !headings.versions
      ? ''
      : html`<tr class="version"><th scope="rowgroup" colspan="7">${
          first.preRelease === null
            ? 'Without a version'
            : `Version ${first.preRelease.version}${headings.platforms ? ` · ${platformName(first.preRelease.platform)}` : ''}`
        }</th></tr>`;
  return html`<tbody>${heading}${run.map(
    (build) => html`<tr data-build="${build.number}">
    <th scope="row">${buildLabel(build)}</th>
    <td><time datetime="${build.uploadedAt}">${formatDay(build.uploadedAt.slice(0, 10))}</time></td>${usageCells(build)}
  </tr>`,
  )}</tbody>`;
}

/** "1.5 (412)", or the build number alone for a build without a pre-release version. */
export function buildLabel(build: BuildUsageRow): string {
  return build.preRelease === null ? build.number : `${build.preRelease.version} (${build.number})`;
}

/** iOS, macOS...: a platform as people write it. */
export function platformName(platform: string): string {
  return PLATFORMS[platform] ?? platform;
}

function usageCells(usage: BuildUsage): Html {
  const v = usage.values;
  return html`<td class="num">${formatCount(usage.testers)}</td><td class="num">${formatCount(v.sessionCount)}</td><td class="num">${formatCount(v.crashCount)}</td><td class="num">${formatCrashPercent(v.crashCount, v.sessionCount)}</td><td class="num">${formatCount(v.feedbackCount)}</td>`;
}

/** What the events of no known build named: numbers no build has, none at all, or both. */
function unmatchedLabel(numbers: readonly string[]): string {
  const unknown = numbers.filter((number) => number !== '');
  const parts: string[] = [];
  if (unknown.length > 0) {
    const shown = unknown.slice(0, NUMBERS_SHOWN).join(', ');
    const more = unknown.length > NUMBERS_SHOWN ? ` and ${unknown.length - NUMBERS_SHOWN} more` : '';
    parts.push(`of build numbers no build has: ${shown}${more}`);
  }
  if (unknown.length < numbers.length) parts.push('that named no build');
  return parts.join('; ');
}
