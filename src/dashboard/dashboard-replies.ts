import type { FastifyReply } from 'fastify';
import { type Html, html } from './html.js';
import { errorPage } from './pages/error-page.js';
import { type AppView, groupsHref } from './view-params.js';

export const NO_SUCH_PAGE = html`<p>The dashboard has no page at this address.</p>`;

export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.text);
}

/**
 * A state-changing form that did not come from the dashboard's own pages (session-cookie.ts fromSameOrigin):
 * signing in and out, or a change to a group when `signedIn`.
 */
export function crossSite(reply: FastifyReply, signedIn = false): FastifyReply {
  return sendPage(
    reply,
    403,
    errorPage(
      'Refused: not sent from the dashboard',
      signedIn
        ? html`<p>Changes are made from the dashboard's own pages only (this request came from another site, or
  from a program that did not say where it came from). Nothing was changed.</p>`
        : html`<p>Signing in and out works from the dashboard's own pages only (this request came from another site, or
  from a program that did not say where it came from). Open the sign-in link in your browser.</p>`,
      signedIn,
    ),
  );
}

export function noSuchApp(reply: FastifyReply, appId: string): FastifyReply {
  return sendPage(
    reply,
    404,
    errorPage('No such app', html`<p>There is no app with id <code>${appId}</code>.</p>`, true),
  );
}

export function noSuchGroup(
  reply: FastifyReply,
  appId: string,
  groupId: string,
  view: AppView,
): FastifyReply {
  return sendPage(
    reply,
    404,
    errorPage(
      'No such group',
      html`<p>App ${appId} has no beta group with id <code>${groupId}</code>. Pick one from
  <a href="${groupsHref(appId, view.period)}">the app's groups</a>.</p>`,
      true,
    ),
  );
}
