import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import { methodNotAllowed, screenshotTooLarge, uploadsBusy } from '../../errors/api-errors.js';
import { ScreenshotRefused } from '../../services/screenshot-check.js';
import { inFlightLimit } from '../in-flight-limit.js';
import {
  CORS_PREFLIGHT_HEADERS,
  CORS_RESPONSE_HEADERS,
  type IngestRouteDeps,
  ingestKeyRequired,
} from './ingest.js';

const ScreenshotUploadDocument = Type.Object({
  data: Type.Object({
    type: Type.Literal('screenshotUploads'),
    id: Type.String(),
    attributes: Type.Object({
      mediaType: Type.String(),
      width: Type.Integer(),
      height: Type.Integer(),
      byteLength: Type.Integer(),
    }),
  }),
});

const URL = '/ingest/v1/screenshots';

/**
 * POST /ingest/v1/screenshots — a beta app uploads one screenshot, its raw bytes, with its app's ingest key
 * (docs/feedback-content.md, "The wire", step 1). The bytes say what they are; the answer is sent once they
 * are stored: 201 when new to the app, 200 when it had them.
 */
export function ingestScreenshotsCreate(deps: IngestRouteDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const appId = request.ingestKey?.appId ?? '';
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = request.headers['content-type'];
    const upload = await deps.services.screenshotUploads.upload(appId, body, contentType);
    // What the image is, never its bytes.
    request.log.info(
      { appId, mediaType: upload.mediaType, byteLength: upload.byteLength, created: upload.created },
      'screenshot stored',
    );
    const { id, mediaType, width, height, byteLength } = upload;
    return reply.code(upload.created ? 201 : 200).send({
      data: { type: 'screenshotUploads', id, attributes: { mediaType, width, height, byteLength } },
    });
  };
}

/**
 * The upload route in a scope of its own, whose body parser takes every Content-Type as bytes: the bytes say
 * what they are (a declared type is compared with them by the service), and no other route of the API learns
 * to take image bodies.
 */
export function ingestScreenshotRoutes(app: FastifyInstance, deps: IngestRouteDeps): void {
  const maxBytes = deps.services.screenshotUploads.limits.maxBytes;
  const maxConcurrent = deps.services.ingestion.limits.maxConcurrentBatches;
  const uploadsInFlight = inFlightLimit(maxConcurrent);
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.route({
      method: 'POST',
      url: URL,
      // One byte more than a screenshot may have: limitedBody refuses the byte after the limit first, with a
      // detail about screenshots rather than Fastify's own.
      bodyLimit: maxBytes + 1,
      config: { authentication: 'ingestKey', operationId: 'ingestScreenshots_create' },
      schema: { response: { 200: ScreenshotUploadDocument, 201: ScreenshotUploadDocument } },
      onRequest: ingestKeyRequired(deps, uploadsInFlight, () => uploadsBusy(maxConcurrent)),
      preParsing: async (request, _reply, payload) => limitedBody(request, payload, maxBytes),
      onError: async (request, _reply, error) => {
        if (error instanceof ScreenshotRefused)
          request.log.info({ appId: request.ingestKey?.appId, reason: error.reason }, 'screenshot refused');
      },
      onSend: async (_request, reply, payload) => {
        reply.headers(CORS_RESPONSE_HEADERS);
        return payload;
      },
      handler: ingestScreenshotsCreate(deps),
    });
    scope.route({
      method: 'OPTIONS',
      url: URL,
      config: { authentication: 'none' },
      handler: async (_request, reply) =>
        reply
          .code(204)
          .headers({ ...CORS_RESPONSE_HEADERS, ...CORS_PREFLIGHT_HEADERS })
          .send(),
    });
    scope.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: URL,
      config: { authentication: 'ingestKey' },
      handler: async (request) => {
        throw methodNotAllowed(request.method, ['POST']);
      },
    });
  });
}

/**
 * The body, refused with a screenshot's 413 as soon as it is known to pass `maxBytes`: at once when its
 * Content-Length says so, else at the chunk that passes it (chunked), before that chunk is kept.
 */
function limitedBody(request: FastifyRequest, payload: NodeJS.ReadableStream, maxBytes: number) {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw screenshotTooLarge(maxBytes);
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) callback(screenshotTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  payload.on('error', (error) => limited.destroy(error));
  return payload.pipe(limited);
}
