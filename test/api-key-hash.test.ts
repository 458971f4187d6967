import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, KEY_PREFIX, sameHash } from "../src/app/auth/api-key.ts";

describe("API key hashing", () => {
  it("is the hex SHA-256 of the key's UTF-8 bytes (what api_keys.key_hash of existing keys holds)", () => {
    // Known digest: the stored hashes of keys made before must keep matching.
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const { key, hash, hint } = generateApiKey();
    expect(key.startsWith(KEY_PREFIX)).toBe(true);
    expect(hash).toBe(createHash("sha256").update(key, "utf8").digest("hex"));
    expect(hashApiKey(key)).toBe(hash);
    expect(key.startsWith(hint)).toBe(true);
    expect(sameHash(hash, hashApiKey(key))).toBe(true);
    expect(sameHash(hash, hashApiKey(`${key}x`))).toBe(false);
  });
});
