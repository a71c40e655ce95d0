/** App Store Connect user roles an API key can carry (Apple's "Role permissions"). */
export const ROLES = [
  'ADMIN',
  'APP_MANAGER',
  'DEVELOPER',
  'MARKETING',
  'SALES',
  'FINANCE',
  'CUSTOMER_SUPPORT',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Roles that may read TestFlight data (testers and their metrics). Sales, Finance and Customer Support get
 * 403 FORBIDDEN_ERROR (docs/apple-behavior.md, §5).
 */
const TESTFLIGHT_READERS: ReadonlySet<Role> = new Set(['ADMIN', 'APP_MANAGER', 'DEVELOPER', 'MARKETING']);

export function canReadTestFlight(role: Role): boolean {
  return TESTFLIGHT_READERS.has(role);
}
