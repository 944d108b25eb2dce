import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Shared conformance suites run only through each implementation's own test file.
    exclude: ['**/*.case.test.ts', 'node_modules/**'],
    testTimeout: 60_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
