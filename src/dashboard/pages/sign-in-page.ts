import { DASHBOARD_PATH, LOGIN_LINK_TTL_MS, SESSION_TTL_MS } from '../../services/dashboard-sessions.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';

const HOW = html`<p>Run this where the server's store is (with the same <code>--data-dir</code> or
  <code>--database-url</code>), and open the link it prints:</p>
<pre><code>beta-metrics dashboard-link</code></pre>
<p class="note">In a checkout, <code>node dist/main.js dashboard-link</code>. Pass <code>--public-url</code> when your browser
  reaches the server at another address than http://127.0.0.1:8080. A link signs you in once, within
  ${LOGIN_LINK_TTL_MS / 60_000} minutes; a session lasts ${SESSION_TTL_MS / 3_600_000} hours.</p>`;

/** What every dashboard page answers without a valid session (status 401). */
export function signInPage(reason: 'none' | 'ended' | 'spent'): Html {
  const why = {
    none: 'The dashboard needs a sign-in link.',
    ended: 'Your session has ended. Sign in again with a new link.',
    spent: 'This sign-in link cannot be used: it was used already, or it is older than 15 minutes.',
  }[reason];
  return page({
    title: 'Sign in',
    signedIn: false,
    body: html`<div class="card"><h1>Sign in to the dashboard</h1><p>${why}</p>${HOW}</div>`,
  });
}

/**
 * The page a sign-in link opens: a button that sends the link's token back by POST. Opening the link changes
 * nothing (a link preview or a prefetch cannot spend it); signing in is the POST.
 */
export function loginFormPage(token: string): Html {
  return page({
    title: 'Sign in',
    signedIn: false,
    body: html`<div class="card">
  <h1>Sign in to the dashboard</h1>
  <form method="post" action="${DASHBOARD_PATH}/login">
    <input type="hidden" name="token" value="${token}">
    <p><button class="primary" type="submit">Sign in</button></p>
  </form>
  <p class="note">The link works once: signing in spends it.</p>
</div>`,
  });
}
