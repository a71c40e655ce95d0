import { type Html, type HtmlValue, html } from '../html.js';
import { page } from '../layout.js';
import { appsHref } from '../view-params.js';

/** A page that says what went wrong and what to do next. */
export function errorPage(title: string, message: HtmlValue, signedIn: boolean): Html {
  return page({
    title,
    signedIn,
    body: html`<div class="card"><h1>${title}</h1>${message}<p><a href="${appsHref()}">Back to the apps</a></p></div>`,
  });
}

export function storeUnavailablePage(signedIn: boolean): Html {
  return errorPage(
    'The database cannot be reached',
    html`<p>The server is running, but its store does not answer. Check that PostgreSQL is up and reachable
  from the server (or that the data directory is readable), then reload this page. The API answers 503 meanwhile;
  nothing is lost.</p>`,
    signedIn,
  );
}

export function unexpectedErrorPage(requestId: string, signedIn: boolean): Html {
  return errorPage(
    'Something went wrong',
    html`<p>The server could not make this page. Its log has the details under request id
  <code>${requestId}</code>; reload to try again.</p>`,
    signedIn,
  );
}
