import type { Problem } from '../domain/problem.js';
import type { ContentScreenshot } from '../domain/records/content.js';
import type { CheckedEvent } from '../domain/usage-event-rules.js';
import type { EventContent } from '../domain/usage-event.js';
import { visibleText } from '../domain/visible-text.js';
import type { ContentStore } from '../storage/content-store.js';
import { checkedDetails } from './feedback-details.js';

/** The one read content takes: which of the screenshots events name their app has. */
type ContentReads = Pick<ContentStore, 'hasContent'>;

const MAX_DETAIL = 300;

/**
 * What the events that passed every other rule sent as content (CheckedEvent.sent), checked and resolved into
 * their records' `content` (docs/feedback-content.md, "The wire", step 2): `details` as an operator's
 * attributes are (services/feedback.ts), each screenshot among those uploaded for the event's app, read with
 * one store read per app whatever the batch's size. An event with a problem is not in `valid`; its problems
 * point at what is wrong (`screenshots/1`, `details/osVersion`).
 */
export async function resolveContent(
  store: ContentReads,
  checked: readonly CheckedEvent[],
): Promise<{
  readonly valid: CheckedEvent[];
  readonly rejected: Array<{ readonly index: number; readonly problems: Problem[] }>;
}> {
  const uploaded = await uploadedScreenshots(store, checked);
  const valid: CheckedEvent[] = [];
  const rejected: Array<{ index: number; problems: Problem[] }> = [];
  for (const one of checked) {
    const { sent, event, index } = one;
    if (sent === undefined) {
      valid.push(one);
      continue;
    }
    const problems: Problem[] = [];
    const content: {
      comment?: string;
      details?: EventContent['details'];
      screenshots?: ContentScreenshot[];
      crashLog?: string;
    } = {};
    if (sent.comment !== undefined) content.comment = sent.comment;
    if (sent.crashLog !== undefined) content.crashLog = sent.crashLog;
    if (sent.details !== undefined) {
      const read = checkedDetails(sent.details);
      for (const problem of read.problems) {
        const detail = `'details.${problem.attribute}': ${problem.detail}`;
        problems.push({
          code: problem.unknown ? 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN' : 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          // The attribute's name and any value quoted are the client's: escaped and clipped.
          detail: clipped(visibleText(detail)),
          field: `details/${visibleText(problem.attribute)}`,
        });
      }
      content.details = read.details;
    }
    if (sent.screenshots !== undefined) {
      const known = uploaded.get(event.appId);
      content.screenshots = [];
      sent.screenshots.forEach((sha256, position) => {
        const record = known?.get(sha256);
        if (record === undefined) {
          problems.push({
            code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
            detail: `There is no screenshot '${sha256}' uploaded for app '${visibleText(event.appId)}'; upload it to POST /ingest/v1/screenshots first`,
            field: `screenshots/${position}`,
          });
          return;
        }
        const { mediaType, width, height } = record;
        content.screenshots?.push({ sha256, mediaType, width, height });
      });
    }
    if (problems.length > 0) rejected.push({ index, problems });
    else valid.push({ index, event: { ...event, content } });
  }
  return { valid, rejected };
}

/** Per app, the uploaded screenshots among those its events name: one read per app. */
async function uploadedScreenshots(store: ContentReads, checked: readonly CheckedEvent[]) {
  const named = new Map<string, Set<string>>();
  for (const { event, sent } of checked) {
    if (sent?.screenshots === undefined || sent.screenshots.length === 0) continue;
    const ids = named.get(event.appId) ?? new Set<string>();
    for (const id of sent.screenshots) ids.add(id);
    named.set(event.appId, ids);
  }
  const uploaded = new Map<string, Awaited<ReturnType<ContentReads['hasContent']>>>();
  for (const [appId, ids] of named) uploaded.set(appId, await store.hasContent(appId, [...ids]));
  return uploaded;
}

function clipped(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}
