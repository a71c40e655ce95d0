import { newEventId } from './new-event-id.js';
import type { EventFields, IngestEventType, QueuedEvent, TrackEvent } from './types.js';

const EVENT_TYPES: readonly IngestEventType[] = ['install', 'session', 'crash', 'feedback'];
const OPTIONAL_FIELDS = ['build', 'platform', 'device', 'osVersion'] as const;

/** The event as it is queued and sent: appId, id and timestamp filled in, and no field the server refuses. */
export function queuedEvent(event: TrackEvent, appId: string): QueuedEvent {
  if (!EVENT_TYPES.includes(event.type)) {
    throw new TypeError(`'${String(event.type)}' is not an event type; use one of ${EVENT_TYPES.join(', ')}`);
  }
  return baseEvent(event.type, event, appId);
}

/** An event of `type` with the fields every event may have. */
export function baseEvent(type: IngestEventType, event: EventFields, appId: string): QueuedEvent {
  requireText('testerId', event.testerId);
  const timestamp = event.timestamp ?? new Date();
  const queued: Record<string, string> = {
    id: event.id ?? newEventId(),
    type,
    appId,
    testerId: event.testerId,
    timestamp: typeof timestamp === 'string' ? timestamp : timestamp.toISOString(),
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = event[field];
    if (value !== undefined) queued[field] = value;
  }
  return queued as unknown as QueuedEvent;
}

export function requireText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`'${name}' must be a non-empty string`);
}
