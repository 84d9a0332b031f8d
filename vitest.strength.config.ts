import { defineConfig } from "vitest/config";

// Used only by Stryker (stryker.config.json): the goldens-only test is the whole kill signal. The normal
// `vitest run` (vitest.config.ts) never matches *.strength.test.ts.
export default defineConfig({
  test: {
    include: ["selftest/strength/**/*.strength.test.ts"],
    testTimeout: 120_000,
  },
});
