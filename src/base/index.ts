/** @module base: leaf helpers with no domain knowledge (PRNG, error kinds, hashing). */
export * from './rng.ts';
export * from './errors.ts';
export * from './hash.ts';
export * from './duration.ts';
export * from './packed-words.ts';
