import { isResourceId } from '../domain/ids.js';
import type { AppDevice } from '../domain/records/tester.js';
import { DEVICE_PLATFORMS } from '../domain/testflight-values.js';
import { parseInstant } from '../domain/instant-text.js';
import { InputError, inField, refuseUnstorableText } from './input-error.js';

/**
 * The checks of the TestFlight resources' attributes an operator gives (CLI flags, import lines): each throws
 * InputError naming the field and what would be accepted, and passes `undefined` (not given) through.
 */

/** One of Apple's enumerations (domain/testflight-values.ts). */
export function oneOf<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined;
export function oneOf<T extends string>(
  field: string,
  value: string | null | undefined,
  allowed: readonly T[],
): T | null | undefined;
export function oneOf<T extends string>(
  field: string,
  value: string | null | undefined,
  allowed: readonly T[],
): T | null | undefined {
  if (value === undefined || value === null) return value;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`'${value}' is not a ${field}; use one of ${allowed.join(', ')}`);
}

/** An ISO 8601 instant with an offset, as the store keeps it: UTC with milliseconds. */
export function instant(field: string, value: string | undefined): string | undefined;
export function instant(field: string, value: string | null | undefined): string | null | undefined;
export function instant(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const parsed = parseInstant(value);
  if (parsed === undefined)
    throw new InputError(`the ${field} '${value}' is not an ISO 8601 instant like 2023-10-05T12:00:00Z`);
  return new Date(parsed).toISOString();
}

/** An http(s) URL. */
export function url(field: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:'))
    throw new InputError(`the ${field} '${value}' is not an http or https URL`);
  return value;
}

/** A whole number from `min` to `max`. */
export function integer(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
): number | undefined;
export function integer(
  field: string,
  value: number | null | undefined,
  min: number,
  max: number,
): number | null | undefined;
export function integer(
  field: string,
  value: number | null | undefined,
  min: number,
  max: number,
): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new InputError(`the ${field} must be a whole number from ${min} to ${max}, not ${value}`);
  return value;
}

/** Text of 1 to `max` characters that any store can keep. */
export function text(field: string, value: string | undefined, max: number): string | undefined;
export function text(field: string, value: string | null | undefined, max: number): string | null | undefined;
export function text(
  field: string,
  value: string | null | undefined,
  max: number,
): string | null | undefined {
  if (value === undefined || value === null) return value;
  refuseUnstorableText({ [field]: value });
  if (value.length === 0 || value.length > max)
    throw new InputError(`the ${field} must be 1 to ${max} characters`);
  return value;
}

/** An id an operator chose (domain/ids.ts), or undefined. */
export function resourceId(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  refuseUnstorableText({ [field]: value });
  if (!isResourceId(value))
    throw new InputError(
      `'${value}' is not a usable ${field}; use up to 64 letters, digits, '.', '_' or '-'`,
    );
  return value;
}

/** Every id of a list, each checked as resourceId. */
export function resourceIds(field: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).map((value) => resourceId(field, value) ?? value);
}

/**
 * The ids of a relationship an API write names (`betaGroups`: its groups), each checked as resourceId with the
 * relationship as the error's field, each once.
 */
export function relatedIds(
  relationship: string,
  what: string,
  values: readonly string[] | undefined,
): string[] {
  return [...new Set(inField(relationship, () => resourceIds(what, values)))];
}

/** At most this many devices per tester: Apple lists a tester's few devices, not a fleet. */
export const MAX_APP_DEVICES = 50;
const APP_DEVICE_TEXTS = ['model', 'osVersion', 'appBuildVersion'] as const;

/**
 * Apple's BetaTester.appDevices: a list of `{model, platform, osVersion, appBuildVersion}`, each field optional,
 * `platform` one of DevicePlatform. `undefined` (not given) passes through.
 */
export function appDevices(field: string, value: unknown): AppDevice[] | undefined {
  if (value === undefined) return undefined;
  const shape = `${field} must be a list of {model, platform, osVersion, appBuildVersion}`;
  if (!Array.isArray(value)) throw new InputError(shape);
  if (value.length > MAX_APP_DEVICES)
    throw new InputError(`${field} may list at most ${MAX_APP_DEVICES} devices`);
  return value.map((device: unknown) => {
    if (typeof device !== 'object' || device === null || Array.isArray(device)) throw new InputError(shape);
    const fields = device as Record<string, unknown>;
    if (
      Object.keys(fields).some(
        (key) => key !== 'platform' && !(APP_DEVICE_TEXTS as readonly string[]).includes(key),
      )
    )
      throw new InputError(shape);
    const read: Record<string, string> = {};
    for (const key of APP_DEVICE_TEXTS) {
      const text = fields[key];
      if (text === undefined || text === null) continue;
      if (typeof text !== 'string') throw new InputError(shape);
      read[key] = textOf(`${field} ${key}`, text);
    }
    const platform = fields.platform;
    if (platform !== undefined && platform !== null) {
      if (typeof platform !== 'string') throw new InputError(shape);
      read.platform = oneOf(`${field} platform`, platform, DEVICE_PLATFORMS) ?? platform;
    }
    return read as AppDevice;
  });
}

function textOf(field: string, value: string): string {
  const checked = text(field, value, 256);
  if (checked === undefined) throw new InputError(`${field} must be text`);
  return checked;
}
