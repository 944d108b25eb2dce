/** @module scenario: run descriptions (pcpus, domains, profiles, policy, designs, time, seed). */
export * from './scenario.ts';
