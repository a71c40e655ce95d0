import type { Command } from 'commander';
import { InputError } from '../services/input-error.js';

/**
 * The options that set a resource's attributes, declared once per resource and used by its `create` and `set`
 * commands: each names the service input's field it fills. Values are parsed here (booleans, numbers, lists,
 * `none` to clear); the services judge them (enumerations, ranges, URLs).
 */
export interface AttributeOption {
  /** `--allow-unknown-builds`: the flag, without its value. */
  readonly flag: string;
  /** The service input's field. */
  readonly field: string;
  readonly description: string;
  /**
   * text; `nullable` text where `none` clears it; a boolean written true or false; a whole number (`none`
   * clears it); a list (the option repeated).
   */
  readonly type: 'text' | 'nullable' | 'boolean' | 'integer' | 'list';
}

export function withAttributeOptions(command: Command, options: readonly AttributeOption[]): Command {
  for (const option of options) {
    const value =
      option.type === 'boolean'
        ? '<true|false>'
        : option.type === 'list'
          ? '<id>'
          : option.type === 'integer'
            ? '<n>'
            : '<value>';
    const hint = option.type === 'nullable' || option.type === 'integer' ? ` (none: clear it)` : '';
    if (option.type === 'list') {
      command.option(`${option.flag} ${value}`, `${option.description} (repeat for more)`, repeated);
    } else command.option(`${option.flag} ${value}`, `${option.description}${hint}`);
  }
  return command;
}

/** The service input the given options make: only the options given are in it. */
export function attributesFrom(flags: object, options: readonly AttributeOption[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const option of options) {
    const raw = (flags as Record<string, unknown>)[camelCase(option.flag)];
    if (raw === undefined) continue;
    input[option.field] = parsed(option, raw);
  }
  return input;
}

function parsed(option: AttributeOption, raw: unknown): unknown {
  if (option.type === 'list') return raw;
  const text = String(raw);
  switch (option.type) {
    case 'text':
      return text;
    case 'nullable':
      return text === 'none' ? null : text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new InputError(`${option.flag} takes true or false, not '${text}'`);
    case 'integer':
      if (text === 'none') return null;
      if (!/^-?\d{1,15}$/.test(text))
        throw new InputError(`${option.flag} takes a whole number, not '${text}'`);
      return Number(text);
  }
}

/** What commander names an option's value: `--allow-unknown-builds` -> `allowUnknownBuilds`. */
function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Commander's argument parser for an option given more than once: every value, in order. */
export function repeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * An image given as `URL:WIDTH:HEIGHT` (`--icon`, `--screenshot`), split at the last two colons since the URL
 * has its own.
 */
export function sizedImage(flag: string, text: string): { url: string; width: number; height: number } {
  const match = /^(.+):(\d{1,6}):(\d{1,6})$/.exec(text);
  if (match === null)
    throw new InputError(`${flag} takes URL:WIDTH:HEIGHT, like https://example.com/{w}x{h}.png:1024:1024`);
  return { url: match[1] ?? text, width: Number(match[2]), height: Number(match[3]) };
}
