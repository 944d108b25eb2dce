/** @module history: the contract through history — designs × scheduler-interface generations. */
export * from './matrix.ts';
