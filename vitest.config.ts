import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // Guards against hangs, not speed tests: CI is a busy 2-core machine where starting
    // PGlite and running migrations alone has taken over 10 s.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
