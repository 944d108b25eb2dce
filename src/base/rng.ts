/**
 * @module base/rng: a small seeded PRNG (mulberry32). The model never draws from a global,
 * every random draw comes from a state word that lives in the simulation state or the driver,
 * so the same seed gives the same bytes out.
 */

/** Advance a mulberry32 state; returns [nextState, value in [0, 2^32)]. */
export function mulberry32(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, (t ^ (t >>> 14)) >>> 0];
}

/** A seeded generator object for drivers (not stored in simulation state). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }
  /** Uniform integer in [0, 2^32). */
  u32(): number {
    const [s, v] = mulberry32(this.state);
    this.state = s;
    return v;
  }
  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  /** Exponentially distributed value with the given mean (for inter-event times). */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
  get seedState(): number {
    return this.state;
  }
}
