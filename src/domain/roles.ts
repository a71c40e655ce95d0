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

/**
 * Roles that may change TestFlight data through the API's writes (invite and remove testers, manage groups and
 * builds): Admin and App Manager, the roles App Store Connect lets manage testers. Apple does not publish the
 * table for API keys; this is beta-metrics' choice (docs/apple-behavior.md, §11).
 */
const TESTFLIGHT_WRITERS: ReadonlySet<Role> = new Set(['ADMIN', 'APP_MANAGER']);

export function canWriteTestFlight(role: Role): boolean {
  return TESTFLIGHT_WRITERS.has(role);
}
