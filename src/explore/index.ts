/** @module explore: exhaustive exploration of every interleaving (reductions, bounds), counterexample stories, replay strings, PCT. */
export * from './model.ts';
export * from './canon.ts';
export * from './sleep.ts';
export * from './explorer.ts';
export * from './expand.ts';
export { StoredStates } from './stored.ts';
export { SettledKeys } from './settled-keys.ts';
export * from './replay.ts';
export * from './story.ts';
export * from './pct.ts';
export * from './every.ts';
export * from './liveness.ts';
