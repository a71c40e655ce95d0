import type { AppTesterCounts } from '../../domain/records/app-usage.js';
import { formatCount } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { appHref, DEFAULT_VIEW } from '../view-params.js';

/** GET /dashboard: every app with its testers. */
export function appsPage(apps: readonly AppTesterCounts[], reportDay: string): Html {
  const body =
    apps.length === 0
      ? html`<h1>Apps</h1>
<div class="empty">
  <p><strong>No app yet.</strong> Create one, invite its testers, and their usage shows here once they send events:</p>
  <pre><code>beta-metrics apps create --name "Nightjar" --bundle-id com.example.nightjar
beta-metrics testers add --app &lt;APP ID&gt; --email ada@example.com
beta-metrics ingest-keys create --app &lt;APP ID&gt;</code></pre>
  <p class="note">Or start the server with <code>--demo</code> to look around with demo data. The README's "Sending events" says how
  apps send their sessions, crashes and feedback.</p>
</div>`
      : html`<h1>Apps</h1>
<ul class="apps">${apps.map(
          ({ app, testers, installed }) => html`<li>
  <a href="${appHref(app.id, DEFAULT_VIEW)}">${app.name}</a>
  <p><code>${app.bundleId}</code> · id ${app.id}</p>
  <p>${formatCount(testers)} ${testers === 1 ? 'tester' : 'testers'} · ${formatCount(installed)} installed</p>
</li>`,
        )}</ul>`;
  return page({ title: 'Apps', signedIn: true, body, reportDay });
}
