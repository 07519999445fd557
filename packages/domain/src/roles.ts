/**
 * Roles of the people who use Huizhi (GLOSSARY.md, "People and access").
 * Invariant: a role grants actions; where it grants them is decided by the scope of the assignment.
 */
export const ROLES = [
  'resident',
  'operator',
  'dispatcher',
  'handler',
  'unitLead',
  'gridWorker',
  'partyMember',
  'volunteer',
  'assessor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Returns true when the value is one of the known roles. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
