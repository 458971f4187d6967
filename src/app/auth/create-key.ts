import type { Role } from "../../core/roles.ts";
import type { ApiKeyRecord, ApiKeyRepository } from "../../storage/api-ports.ts";
import { generateApiKey } from "./api-key.ts";

export type NewKeyInput = { readonly name: string; readonly role: Role; readonly subject: string | null };

/** Creates and stores a key (hashed); returns the key in clear for the one time it is shown. */
export async function createApiKey(
  repo: ApiKeyRepository,
  input: NewKeyInput,
  now: Date,
  ids: () => string,
): Promise<{ record: ApiKeyRecord; key: string }> {
  const { key, hash, hint } = generateApiKey();
  const record = await repo.create({
    id: ids(),
    name: input.name,
    role: input.role,
    subject: input.role === "rep" ? input.subject : null,
    hint,
    keyHash: hash,
    createdAt: now.toISOString(),
  });
  return { record, key };
}
