/**
 * How record values are kept in columns both backends hold alike (0008): booleans as integers 0/1, lists and
 * objects as JSON text, int64 counters as numbers (PostgreSQL's bigint reads back as a string).
 */

export function flag(value: boolean): number;
export function flag(value: boolean | undefined): number | undefined;
export function flag(value: boolean | null | undefined): number | null | undefined;
export function flag(value: boolean | null | undefined): number | null | undefined {
  return value === undefined || value === null ? value : value ? 1 : 0;
}

export function fromFlag(value: number | string): boolean {
  return Number(value) === 1;
}

export function fromNullableFlag(value: number | string | null): boolean | null {
  return value === null ? null : fromFlag(value);
}

export function jsonOrNull(value: unknown): string | null | undefined {
  return value === undefined ? undefined : value === null ? null : JSON.stringify(value);
}

export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function fromCounter(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}
