import { unstorableText } from '../domain/storable-text.js';
import { visibleText } from '../domain/visible-text.js';
import type { NewAppInput } from './apps.js';
import type { NewBetaGroupInput } from './beta-groups.js';
import type { NewTesterInput } from './beta-testers.js';
import type { NewBuildInput, NewPreReleaseVersionInput } from './builds.js';
import type { CrashFeedbackInput, ScreenshotFeedbackInput } from './feedback.js';
import { type FieldType, KINDS, RECORD_KINDS, type RecordKind } from './import-record-kinds.js';

export type { RecordKind } from './import-record-kinds.js';

type WithId<T> = T & { readonly id: string };

/**
 * One line of an import file (docs/import-format.md): an app, a tester of an app, a TestFlight resource of an
 * app (pre-release version, build, group, screenshot or crash feedback), or a usage event. Only the shape is
 * read here; the services judge the values (bundle ids, emails, enumerations, event rules) when the line is used.
 */
export type ImportLine =
  | { readonly kind: 'blank' }
  | { readonly kind: 'app'; readonly app: WithId<NewAppInput> }
  | { readonly kind: 'tester'; readonly tester: NewTesterInput }
  | { readonly kind: 'preReleaseVersion'; readonly input: WithId<NewPreReleaseVersionInput> }
  | { readonly kind: 'build'; readonly input: WithId<NewBuildInput> }
  | { readonly kind: 'group'; readonly input: WithId<NewBetaGroupInput> }
  | { readonly kind: 'screenshotFeedback'; readonly input: WithId<ScreenshotFeedbackInput> }
  | { readonly kind: 'crashFeedback'; readonly input: WithId<CrashFeedbackInput> }
  /** A stored screenshot's bytes (base64), which screenshotFeedback lines after it name by SHA-256. */
  | { readonly kind: 'screenshotContent'; readonly input: ScreenshotContentLine }
  /** The event as sent, without `kind`, for ingestion's rules to check. */
  | { readonly kind: 'event'; readonly event: Readonly<Record<string, unknown>> }
  /** `record`: what the line would have been; a line that is no record kind is an event line. */
  | { readonly kind: 'invalid'; readonly record: RecordKind | 'event'; readonly reason: string };

/** A `screenshotContent` line: an app's stored screenshot, its bytes in base64 (docs/import-format.md). */
export interface ScreenshotContentLine {
  readonly appId: string;
  readonly sha256: string;
  readonly data: string;
}

/** Reads one line (without its line break). Never throws: a line that cannot be used says why. */
export function parseImportLine(text: string): ImportLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid('event', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('event', 'not a JSON object');
  }
  const { kind, ...fields } = value as Record<string, unknown>;
  if (kind === undefined || kind === 'event') return { kind: 'event', event: fields };
  if (typeof kind !== 'string' || !(RECORD_KINDS as string[]).includes(kind)) {
    // A misspelt kind would otherwise be read as an event and refused for unrelated reasons.
    const kinds = RECORD_KINDS.map((name) => `"${name}"`).join(', ');
    return invalid(
      'event',
      `'kind' must be ${kinds} or "event" (or absent, for an event), not ${clip(JSON.stringify(kind))}`,
    );
  }
  const recordKind = kind as RecordKind;
  const read = readFields(recordKind, fields);
  if (typeof read === 'string') return invalid(recordKind, read);
  switch (recordKind) {
    case 'app':
      return { kind: 'app', app: read as unknown as WithId<NewAppInput> };
    case 'tester':
      return { kind: 'tester', tester: read as unknown as NewTesterInput };
    default:
      return { kind: recordKind, input: read } as unknown as ImportLine;
  }
}

/** The line's fields by their kind's types (null is absent), or the first problem found. */
function readFields(kind: RecordKind, fields: Record<string, unknown>): Record<string, unknown> | string {
  const { fields: types, required } = KINDS[kind];
  const names = Object.keys(types);
  const unknown = Object.keys(fields).find((name) => !names.includes(name));
  if (unknown !== undefined)
    return `'${clip(unknown)}' is not a field of ${kind} lines; use ${names.join(', ')}`;
  const read: Record<string, unknown> = {};
  for (const name of names) {
    const value = fields[name];
    if (value === undefined || value === null) {
      if (required.includes(name)) return `${kind === 'app' ? 'an' : 'a'} ${kind} line needs '${name}'`;
      continue;
    }
    const problem = fieldProblem(name, types[name] ?? 's', value);
    if (problem !== undefined) return problem;
    read[name] = value;
  }
  return read;
}

function fieldProblem(name: string, type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 's':
      return typeof value === 'string' ? storable(name, value) : `'${name}' must be a string`;
    case 'b':
      return typeof value === 'boolean' ? undefined : `'${name}' must be true or false`;
    case 'i':
      return Number.isSafeInteger(value) ? undefined : `'${name}' must be a whole number`;
    case 'ids':
      if (!Array.isArray(value) || value.some((id) => typeof id !== 'string'))
        return `'${name}' must be a list of id strings`;
      return value.map((id: string) => storable(name, id)).find((problem) => problem !== undefined);
    case 'image':
      return imageProblem(name, value, ['templateUrl']);
    case 'devices':
      // Each device's fields and platform are checked with the tester (services/attribute-input.ts).
      return Array.isArray(value)
        ? undefined
        : `'${name}' must be a list of {model, platform, osVersion, appBuildVersion}`;
    case 'screenshots':
      if (!Array.isArray(value))
        return `'${name}' must be a list of {url, width, height, expirationDate} or {sha256}`;
      return value
        .map((image) =>
          typeof image === 'object' && image !== null && 'sha256' in image
            ? storedScreenshotProblem(name, image)
            : imageProblem(name, image, ['url'], ['expirationDate']),
        )
        .find(Boolean);
    case 'base64':
      return typeof value === 'string' && BASE64.test(value) ? undefined : `'${name}' must be base64 text`;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A stored screenshot as an export names it: `{sha256}`, with its type and size (which the store's own record
 * replaces) allowed beside it.
 */
function storedScreenshotProblem(name: string, image: object): string | undefined {
  const allowed = ['sha256', 'mediaType', 'width', 'height'];
  const { sha256 } = image as { sha256?: unknown };
  if (Object.keys(image).some((key) => !allowed.includes(key)) || typeof sha256 !== 'string')
    return `'${name}' names a stored screenshot as {sha256, mediaType, width, height}`;
  return storable(name, sha256);
}

/** `{<texts>, width, height}` with whole numbers, as ImageAsset and BetaFeedbackScreenshotImage are. */
function imageProblem(
  name: string,
  value: unknown,
  texts: readonly string[],
  optionalTexts: readonly string[] = [],
): string | undefined {
  const shape = `'${name}' must be {${[...texts, 'width', 'height', ...optionalTexts].join(', ')}}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return shape;
  const image = value as Record<string, unknown>;
  const allowed = [...texts, 'width', 'height', ...optionalTexts];
  if (Object.keys(image).some((key) => !allowed.includes(key))) return shape;
  if (!Number.isSafeInteger(image.width) || !Number.isSafeInteger(image.height)) return shape;
  for (const key of [...texts, ...optionalTexts]) {
    const text = image[key];
    if (text === undefined && optionalTexts.includes(key)) continue;
    if (typeof text !== 'string') return shape;
    const problem = storable(name, text);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Here, before the line's app or tester is looked up: PostgreSQL fails on such text even in a query. */
function storable(name: string, value: string): string | undefined {
  const problem = unstorableText(value);
  return problem === undefined ? undefined : `'${name}' ${problem}`;
}

function invalid(record: RecordKind | 'event', reason: string): ImportLine {
  return { kind: 'invalid', record, reason };
}

/** A value of the line quoted in a reason: clipped, with no control or invisible character (visible-text.ts). */
function clip(value: unknown): string {
  const text = visibleText(typeof value === 'string' ? value : JSON.stringify(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
