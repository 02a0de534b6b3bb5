import { defineConfig } from 'vitest/config';

// Simulation and synthesis tests run external tools: generous timeouts, one fork per core.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
