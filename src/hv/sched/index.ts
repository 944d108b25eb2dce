/** @module hv/sched: the scheduler policy interface, the built-in policies and their registry. */
export type { Scheduler, Decision } from './types.ts';
export * from './registry.ts';
