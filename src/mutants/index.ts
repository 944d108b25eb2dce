/** @module mutants: the mutation suite — broken variants the checker must catch, and their runner. */
export * from './catalogue.ts';
export * from './run-mutants.ts';
