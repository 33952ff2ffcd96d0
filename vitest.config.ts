import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // End-to-end tests start real bot processes and emulators; keep them from starving each other on small machines.
    maxWorkers: 2,
  },
});
