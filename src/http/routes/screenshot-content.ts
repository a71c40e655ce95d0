import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentUrlRefused, notARendition, screenshotNotFound } from '../../errors/api-errors.js';
import { SCREENSHOT_CONTENT_PATH } from '../../services/content-urls.js';
import type { ScreenshotContentService } from '../../services/screenshot-content.js';
import { parseRendition } from '../../services/screenshot-rendition.js';
import { queryPairs } from '../query-string.js';

/**
 * GET /content/v1/screenshots/{appId}/{sha256}/{w}x{h}bb.{f}?expires=&signature= — a stored screenshot, as
 * the `url` and `templateUrl` of a BetaFeedbackScreenshotImage point to it (docs/feedback-content.md,
 * "Serving"; docs/apple-behavior.md, §12). No token: the signature is the credential, as with Apple's image
 * URLs. Refused (403) when the signature does not hold or has expired, 404 when the content is gone, else the
 * image in the checked type, which nothing can run in.
 */

type ContentRequest = FastifyRequest<{ Params: { appId: string; sha256: string; rendition: string } }>;

/** Headers of every image answer: its type is ours (never sniffed), and nothing in it runs. */
const IMAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'",
};

export function screenshotContentRoutes(app: FastifyInstance, content: ScreenshotContentService): void {
  app.get(
    `${SCREENSHOT_CONTENT_PATH}/:appId/:sha256/:rendition`,
    // The signature is the authentication; the image is not journaled with its bytes (journal-hooks.ts).
    { config: { authentication: 'none', operationId: 'screenshotContent_get' } },
    screenshotContentGet(content),
  );
}

export function screenshotContentGet(content: ScreenshotContentService) {
  return async (request: ContentRequest, reply: FastifyReply) => {
    const { appId, sha256 } = request.params;
    const rendition = parseRendition(request.params.rendition);
    if (rendition === undefined) throw notARendition(request.params.rendition);
    const pairs = queryPairs(request);
    const sent = (name: string) => pairs.find(([each]) => each === name)?.[1] ?? '';
    const ifNoneMatch = request.headers['if-none-match'];
    const answer = await content.answer({
      appId,
      sha256,
      rendition,
      expires: sent('expires'),
      signature: sent('signature'),
      ...(ifNoneMatch !== undefined && { ifNoneMatch }),
    });
    switch (answer.kind) {
      case 'refused':
        throw contentUrlRefused(answer.reason);
      case 'missing':
        throw screenshotNotFound(sha256);
      case 'notModified':
        return reply
          .code(304)
          .headers({ etag: answer.etag, 'cache-control': `private, max-age=${answer.maxAgeSeconds}` })
          .send();
      case 'image':
        return reply
          .type(answer.image.mediaType)
          .headers({
            ...IMAGE_HEADERS,
            etag: answer.etag,
            'cache-control': `private, max-age=${answer.maxAgeSeconds}`,
          })
          .send(answer.image.bytes);
    }
  };
}
