import type { QueuedEvent } from './types.js';

/** True while some screenshot of the event still waits for its upload. */
export function hasPendingScreenshots(event: QueuedEvent): boolean {
  return (event.pendingScreenshots?.length ?? 0) > 0;
}

/** The event once its first pending screenshot is uploaded as `id`: the bytes leave the queue, the id stays. */
export function withUploaded(event: QueuedEvent, id: string): QueuedEvent {
  const { pendingScreenshots = [], ...rest } = event;
  const left = pendingScreenshots.slice(1);
  return {
    ...rest,
    screenshots: [...(event.screenshots ?? []), id],
    ...(left.length > 0 && { pendingScreenshots: left }),
  };
}

/** The event as the batch carries it: pending screenshots stay in the queue (the flusher uploads them first). */
export function wireEvent(event: QueuedEvent): QueuedEvent {
  if (event.pendingScreenshots === undefined) return event;
  const { pendingScreenshots: _pending, ...wire } = event;
  return wire;
}

/**
 * The event as an error names it: without the tester's words, device details, crash log or screenshot bytes,
 * which must never reach a log line (an app may well log its client's errors).
 */
export function withoutContent(event: QueuedEvent): QueuedEvent {
  const { comment: _c, details: _d, crashLog: _l, pendingScreenshots: _p, ...rest } = event;
  return rest;
}
