import type { PeriodCode } from '../domain/period.js';
import { feedbackHref } from './feedback-params.js';
import { type Html, html } from './html.js';
import { appHref, buildsHref, DEFAULT_VIEW, groupsHref } from './view-params.js';

export type AppSection = 'overview' | 'builds' | 'groups' | 'feedback';

/** The app's pages, under its name on each of them; the links keep the period (the inbox has none). */
export function appNav(appId: string, current: AppSection, period: PeriodCode): Html {
  const sections: ReadonlyArray<[AppSection, string, string]> = [
    ['overview', 'Overview', appHref(appId, { ...DEFAULT_VIEW, period })],
    ['builds', 'Builds', buildsHref(appId, period)],
    ['groups', 'Groups', groupsHref(appId, period)],
    ['feedback', 'Feedback', feedbackHref(appId)],
  ];
  return html`<nav aria-label="App"><ul class="app-nav">${sections.map(
    ([section, title, href]) =>
      html`<li><a href="${href}" data-section="${section}"${section === current && html` aria-current="page"`}>${title}</a></li>`,
  )}</ul></nav>`;
}
