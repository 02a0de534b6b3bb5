import os from 'node:os';
import path from 'node:path';
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
    // The tests' compiled models stay out of the user's cache (~/.cache/potgen).
    env: { POTGEN_CACHE: path.join(os.tmpdir(), `potgen-test-cache-${process.pid}`) },
  },
});
