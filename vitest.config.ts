import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["reference/**/*.test.ts", "cli/**/*.test.ts", "common/**/*.test.ts", "runner/**/*.test.ts", "corpus/**/*.test.ts", "selftest/**/*.test.ts", "adapters/ts/**/*.test.ts", "scripts/**/*.test.ts"],
    // The goldens-only kill signal of `npm run strength:ts` (vitest.strength.config.ts), run only by Stryker.
    exclude: [...configDefaults.exclude, "selftest/strength/**/*.strength.test.ts"],
    // About hangs, not speed, and the same for every test (none sets its own): several tests spawn the CLI or
    // adapters, CI machines have 2 cores shared with other jobs, and a test that takes 30 s on a quiet machine
    // took over 2 min at load 14. Speed is measured by `npm run bench`, never by test timeouts.
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
