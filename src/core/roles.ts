/**
 * Roles of API keys and what each may do. A route names the permission it needs; `rep` keys
 * additionally see only the leads they own (checked where leads are loaded).
 */
export const ROLES = ["admin", "manager", "rep", "ingest"] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person (user account) can have; `ingest` is for programs only. */
export const USER_ROLES = ["admin", "manager", "rep"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PERMISSIONS = [
  "events:write",
  "leads:write",
  "leads:read",
  "records:read",
  "records:write",
  "reports:read",
  "models:read",
  "models:write",
  "admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS = {
  admin: PERMISSIONS,
  // Everything but administration (keys, users, settings, webhooks).
  manager: PERMISSIONS.filter((p) => p !== "admin"),
  rep: ["leads:write", "leads:read", "records:read", "records:write", "models:read"],
  ingest: ["events:write", "leads:write"],
} as const satisfies Record<Role, readonly Permission[]>;

export function can(role: Role, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role] as readonly Permission[]).includes(permission);
}

/** Managers and admins see every lead; reps only their own. */
export function seesAllLeads(role: Role): boolean {
  return role === "admin" || role === "manager";
}
