import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DashboardDeps } from './dashboard-deps.js';
import { noSuchApp, sendPage } from './dashboard-replies.js';
import { SIGNED_IN_ROUTE as authed } from './dashboard-scope.js';
import { feedbackHref, parseFeedbackView } from './feedback-params.js';
import { html } from './html.js';
import { errorPage } from './pages/error-page.js';
import { feedbackPage } from './pages/feedback-page.js';
import { type ScreenshotLinker, screenshotLinker } from './screenshot-links.js';
import { ViewParamError } from './view-params.js';

/**
 * An app's feedback inbox (GET /dashboard/apps/:appId/feedback) and the whole log of one of its crashes, as a
 * file (GET .../feedback/:submissionId/crash-log). Both behind the session, like every dashboard page.
 */
export function feedbackRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/apps/:appId/feedback', authed, async (request, reply) => {
    const { appId } = request.params as { appId: string };
    const view = parseFeedbackView(request.query);
    const { before, ...filters } = view;
    const answer = await deps.services.feedbackInbox.page(appId, {
      ...filters,
      ...(before !== undefined && { after: before }),
    });
    switch (answer.status) {
      case 'no app':
        return noSuchApp(reply, appId);
      case 'no build':
        throw new ViewParamError(`App ${appId} has no build with id '${view.buildId}'.`);
      case 'no tester':
        throw new ViewParamError(`There is no tester with id '${view.testerId}'.`);
      case 'page':
        return sendPage(reply, 200, feedbackPage(answer, view, linkerFor(deps, request)));
    }
  });

  scope.get('/apps/:appId/feedback/:submissionId/crash-log', authed, async (request, reply) => {
    const { appId, submissionId } = request.params as { appId: string; submissionId: string };
    const log = await deps.services.feedbackInbox.crashLog(appId, submissionId);
    if (log === undefined)
      return sendPage(
        reply,
        404,
        errorPage(
          'No such crash log',
          html`<p>App ${appId} has no crash submission with id <code>${submissionId}</code> that carries a log.
  Pick one from <a href="${feedbackHref(appId, { kind: 'crash' })}">the app's crashes</a>.</p>`,
          true,
        ),
      );
    // A file to save, never a page to render: the log's text is the tester's device's, whatever it holds.
    return reply
      .code(200)
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="crash-${fileNamePart(submissionId)}.txt"`)
      .send(log.logText);
  });
}

/** An id as a file name's part: the characters of a resource id (domain/ids.ts), anything else as `_`. */
function fileNamePart(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** How this request's page shows screenshots: same-origin ones as thumbnails (the CSP's img-src 'self'). */
function linkerFor(deps: DashboardDeps, request: FastifyRequest): ScreenshotLinker {
  const hosts = [request.host];
  try {
    hosts.push(new URL(deps.baseUrl(request)).host);
  } catch {
    // A base URL that does not parse names no host of ours.
  }
  return screenshotLinker(deps.services.contentUrls, hosts);
}
