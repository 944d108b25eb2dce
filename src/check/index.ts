/** @module check: the oracle — invariants with their sentences, Violation data, the Checker observer. */
export * from './invariants.ts';
export * from './violation.ts';
export * from './checker.ts';
export * from './locate.ts';
