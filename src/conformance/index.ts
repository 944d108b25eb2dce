/** @module conformance: conformance checks runnable outside the test suite (for users' designs). */
export * from './design-checks.ts';
