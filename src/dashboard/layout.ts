import { ASSETS } from './assets/assets.js';
import { type Html, type HtmlValue, html } from './html.js';
import { appsHref } from './view-params.js';

export interface PageOptions {
  readonly title: string;
  /** Signed-in pages get the sign-out button. */
  readonly signedIn: boolean;
  readonly body: HtmlValue;
  /** The report date the numbers are for, when the page shows numbers. */
  readonly reportDay?: string;
}

/** The shell of every page: one stylesheet and one deferred script, a skip link, the header and footer. */
export function page(options: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · beta-metrics</title>
<link rel="icon" href="${ASSETS.icon.href}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.css.href}">
<script src="${ASSETS.js.href}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="${appsHref()}">beta-metrics</a>
  ${
    options.signedIn &&
    html`<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>`
  }
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
<footer>${
    options.reportDay !== undefined &&
    html`Report date ${options.reportDay} (UTC). Periods end on it and count whole UTC days, as the API's do.`
  }</footer>
</body>
</html>
`;
}
