import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Simulation and synthesis tests run external tools: generous timeouts, and one fork per core
// (vitest's default leaves a core idle). Files named *.slow.test.ts are the full suite's long
// matrices; `npm run test:quick` leaves them out.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: Math.max(1, os.availableParallelism()) } },
  },
});
