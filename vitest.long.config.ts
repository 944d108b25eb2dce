import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run test:long`: the long explorations, kept out of `npm test` (CI runs both: .ci/run).
export default defineConfig({
  test: {
    ...base.test,
    include: ['src/**/*.long.test.ts', 'test/**/*.long.test.ts'],
    exclude: ['**/*.case.test.ts', 'node_modules/**'],
  },
});
