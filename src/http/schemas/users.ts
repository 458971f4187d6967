import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../app/auth/password.ts";
import { PERMISSIONS, USER_ROLES } from "../../core/roles.ts";

/** A user account as the API shows it: never a password or token hash. */
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    ownerId: z.string().nullable().describe("For reps: the owner id whose leads they work"),
    disabledAt: z.string().nullable(),
    hasPassword: z.boolean().describe("False while an invite is not yet accepted"),
    inviteExpires: z.string().nullable().describe("When a pending invite or reset token expires"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "User" });

export const Password = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

/** A one-time invite or reset token: in this response only; the user redeems it with POST /v1/sessions/invite. */
export const InviteSchema = z
  .object({ token: z.string(), expiresAt: z.string() })
  .nullable()
  .describe("Shown only in this response; null when a password was set");

export const SignedInSchema = z
  .object({
    user: UserSchema,
    name: z.string(),
    role: z.enum(USER_ROLES),
    subject: z.string().nullable(),
    permissions: z.array(z.enum(PERMISSIONS)),
    csrfToken: z.string().describe("Send it as X-Winnow-CSRF on every POST, PUT, PATCH and DELETE"),
    expiresAt: z.string(),
  })
  .meta({ id: "Session" });
