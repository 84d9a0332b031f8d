import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["reference/**/*.test.ts", "cli/**/*.test.ts", "common/**/*.test.ts", "runner/**/*.test.ts", "corpus/**/*.test.ts", "selftest/**/*.test.ts", "adapters/ts/**/*.test.ts", "scripts/**/*.test.ts"],
    // The goldens-only kill signal of `npm run strength:ts` (vitest.strength.config.ts), run only by Stryker.
    exclude: [...configDefaults.exclude, "selftest/strength/**/*.strength.test.ts"],
    // Generous: several tests spawn the CLI or adapters, and CI machines have 2 cores. Speed is measured by
    // `npm run bench`, never by test timeouts.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
