/**
 * JSON:API sparse fieldsets (`fields[apps]=name,sku`): only the attributes asked for, all when not asked.
 * Attributes without a value (a tester without a last name) are left out rather than sent as null, since the
 * spec declares them as strings.
 */
export function sparseAttributes<T extends Record<string, unknown>>(
  attributes: T,
  fields: readonly string[] | undefined,
): { [K in keyof T]?: NonNullable<T[K]> } {
  const chosen: { [K in keyof T]?: NonNullable<T[K]> } = {};
  for (const name of Object.keys(attributes) as Array<keyof T & string>) {
    const value = attributes[name];
    if (value === null || value === undefined) continue;
    if (fields === undefined || fields.includes(name)) chosen[name] = value as NonNullable<T[typeof name]>;
  }
  return chosen;
}
