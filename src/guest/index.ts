/** @module guest: guest workloads (profiles as data) and the per-vcpu shadow they check against. */
export * from './profiles.ts';
