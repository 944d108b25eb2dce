/** @module arch: architectures as data — schema, compiled tables, built-ins, file loading. */
export * from './schema.ts';
export * from './arch.ts';
export * from './registry.ts';
export * from './load.ts';
