/** @module hv: the hypervisor model — state, the scheduling core, switch designs, schedulers. */
export * from './model.ts';
export * from './state/index.ts';
export * from './contract.ts';
export * from './ops.ts';
export * from './core.ts';
export * from './switch/index.ts';
export * from './sched/index.ts';
export * from './stack.ts';
export * from './control.ts';
