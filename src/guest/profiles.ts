/**
 * @module guest/profiles: deterministic guest workloads as data. A profile says which register
 * classes a guest uses (by role), how long it runs between the exceptions it causes, and how
 * often it makes a hypercall, yields, blocks on I/O, or takes its own timer interrupt. The
 * random driver draws from these rates with its seeded PRNG; the step applies the draw.
 */
import type { Arch } from '../arch/index.ts';

export type Role = 'int' | 'system' | 'fp' | 'vector';

export interface GuestProfile {
  readonly name: string;
  readonly description: string;
  /** Register classes the guest writes, by role. It reads back every register it can see. */
  readonly roles: readonly Role[];
  /** Mean guest run, in µs, between two events of its own (hypercall, timer tick, …). */
  readonly segmentUs: number;
  /** Registers written per run segment (cycling through every register it uses). */
  readonly writesPerSegment: number;
  /** Probabilities that a segment ends in: a null hypercall, a yield, a blocking hypercall. */
  readonly pHypercall: number;
  readonly pYield: number;
  readonly pBlock: number;
  /** Mean time blocked (I/O latency), µs. */
  readonly blockUs: number;
  /** Guest timer interrupts per second (the decrementer path). */
  readonly decHz: number;
  /** Device interrupts per second taken while this guest runs (the external path; not its own wakes). */
  readonly extHz: number;
}

export const PROFILES: readonly GuestProfile[] = [
  {
    name: 'int',
    extHz: 200,
    description: 'integer code with system calls: GPRs and segment state, no FP',
    roles: ['int', 'system'],
    segmentUs: 50,
    writesPerSegment: 8,
    pHypercall: 0.2,
    pYield: 0.01,
    pBlock: 0.04,
    blockUs: 300,
    decHz: 250,
  },
  {
    name: 'fp',
    extHz: 100,
    description: 'floating-point compute: GPRs and the FP unit',
    roles: ['int', 'system', 'fp'],
    segmentUs: 80,
    writesPerSegment: 12,
    pHypercall: 0.1,
    pYield: 0.01,
    pBlock: 0.02,
    blockUs: 300,
    decHz: 250,
  },
  {
    name: 'vector',
    extHz: 100,
    description: 'SIMD compute: GPRs, FP and vector units',
    roles: ['int', 'system', 'fp', 'vector'],
    segmentUs: 80,
    writesPerSegment: 16,
    pHypercall: 0.1,
    pYield: 0.01,
    pBlock: 0.02,
    blockUs: 300,
    decHz: 250,
  },
  {
    name: 'io',
    extHz: 2000,
    description: 'I/O bound: short runs, blocks often on event channels',
    roles: ['int', 'system'],
    segmentUs: 20,
    writesPerSegment: 6,
    pHypercall: 0.3,
    pYield: 0.02,
    pBlock: 0.35,
    blockUs: 150,
    decHz: 100,
  },
  {
    name: 'cpu',
    extHz: 50,
    description: 'CPU bound: long runs, rarely enters the hypervisor',
    roles: ['int', 'system'],
    segmentUs: 200,
    writesPerSegment: 10,
    pHypercall: 0.02,
    pYield: 0,
    pBlock: 0.002,
    blockUs: 500,
    decHz: 1000,
  },
];

export function profileIndex(name: string): number {
  return PROFILES.findIndex((p) => p.name === name);
}

/** The registers a guest with this profile writes, on this architecture. */
export function profileRegs(arch: Arch, profile: GuestProfile): Int32Array {
  const out: number[] = [];
  for (const c of arch.classes) if (profile.roles.includes(c.role)) for (let r = c.start; r < c.end; r++) out.push(r);
  return Int32Array.from(out);
}
