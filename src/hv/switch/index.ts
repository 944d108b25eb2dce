/** @module hv/switch: the context-switch contract, the built-in designs and their registry. */
export type { SwitchDesign } from './types.ts';
export * from './registry.ts';
export { savedValuesMismatch } from './saved-values.ts';
