import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Shared conformance suites run only through each implementation's own test file; the long
    // explorations (*.long.test.ts) only through `npm run test:long` (vitest.long.config.ts).
    exclude: ['**/*.case.test.ts', '**/*.long.test.ts', 'node_modules/**'],
    // Every core (vitest's default leaves one idle: on 2 cores, one file at a time).
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
