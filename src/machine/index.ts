/**
 * @module machine: simulated hardware. Register storage with owners (regstore), and the
 * per-pcpu hardware state (pcpu): register file, the exception frame at the top of the
 * per-pcpu hypervisor stack, pending IPIs, the page-table base, the local clock. No policy.
 */
export * from './regstore.ts';
export * from './pcpu.ts';
export * from './cframe.ts';
