/**
 * What a new built-in port must show (issue 20): every design that accepts it keeps every
 * invariant, under each scheduler-interface contract it is written for, with control operations
 * on where the contract allows them (the older contracts move vcpus only while paused).
 */
import { expect } from 'vitest';
import type { Arch } from '../index.ts';
import { DESIGNS, getScheduler, writtenFor } from '../../hv/index.ts';
import { runOne } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';

/** Runs each accepting design on `arch`; `expected` are designs that must be among them. */
export function everyAcceptingDesignKeepsEveryInvariant(arch: Arch, expected: readonly string[]): void {
  const supporting = DESIGNS.filter((d) => !d.broken && d.supports(arch) === true);
  expect(supporting.map((d) => d.name)).toEqual(expect.arrayContaining([...expected]));
  for (const d of supporting) {
    for (const contract of writtenFor(d)) {
      const controlHz = contract === '2006-01-07' ? 2000 : 0;
      const r = runOne({ arch, design: d, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('int*2,fp*2,vector*2,io*2'), seconds: 0.1, seed: 11, checker: true, controlHz, contract });
      expect(r.violations, `${d.name} under ${contract}`).toEqual([]);
      expect(r.metrics.switches).toBeGreaterThan(50);
      // The lazy unit design must have trapped: the port's units are really switched lazily.
      if (d.name === 'xen-x86-lazy-fpu') expect(r.metrics.traps, d.name).toBeGreaterThan(0);
    }
  }
}
