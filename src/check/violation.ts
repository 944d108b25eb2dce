/** @module check/violation: a finding about the modelled design — data, never an exception. */

export interface Violation {
  /** Invariant id from check/invariants (e.g. "inv3", "guest-state"). */
  invariant: string;
  /** Simulation step at which it was found. */
  step: number;
  /** Simulated time in seconds (of the pcpu where it was found). */
  time: number;
  pcpu: number;
  /** The vcpu concerned, by name (d1v0), when there is one. */
  vcpu: string | null;
  /** The register concerned, when there is one. */
  register: string | null;
  /** A sentence a person can read. */
  message: string;
}
