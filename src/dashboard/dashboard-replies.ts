import type { FastifyReply } from 'fastify';
import { type Html, html } from './html.js';
import { errorPage } from './pages/error-page.js';

export const NO_SUCH_PAGE = html`<p>The dashboard has no page at this address.</p>`;

export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.text);
}

export function crossSite(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    403,
    errorPage(
      'Refused: not sent from the dashboard',
      html`<p>Signing in and out works from the dashboard's own pages only (this request came from another site, or
  from a program that did not say where it came from). Open the sign-in link in your browser.</p>`,
      false,
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
