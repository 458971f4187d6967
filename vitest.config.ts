import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One PGlite initdb per run: test databases start from a dumped template (test/helpers/db.ts).
    globalSetup: ["test/helpers/global-setup.ts"],
  },
});
