/**
 * @module scenario: what one run simulates — architecture, pcpus, domains with their vcpus and
 * guest profiles, scheduler, designs, simulated time and seed — parsed from CLI flags (and, as
 * data, from callers). `--domains` SPEC: comma-separated domains, each
 * `PROFILE[*VCPUS][:wWEIGHT][:cCAP]`, e.g. `cpu*2,fp*2:w512,io*2:c50`; or `DxV` for D domains
 * of V vcpus cycling through the profiles int, fp, io, vector, cpu.
 */
import { InputError, parseDuration } from '../base/index.ts';
import { PROFILES, profileIndex } from '../guest/index.ts';

export interface DomainSpec {
  profile: string;
  vcpus: number;
  weight: number;
  cap: number;
}

export interface Scenario {
  arch: string;
  pcpus: number;
  domains: DomainSpec[];
  sched: string;
  designs: string[];
  /** Simulated seconds. */
  seconds: number;
  seed: number;
}

export const DEFAULT_DOMAINS = 'cpu*2,fp*2,io*2';

/** Parse a --domains SPEC; errors name the flag and the offending part. */
export function parseDomains(spec: string, where = '--domains'): DomainSpec[] {
  const s = spec.trim();
  const grid = /^(\d+)x(\d+)$/.exec(s);
  if (grid) {
    const [d, v] = [Number(grid[1]), Number(grid[2])];
    if (d < 1 || d > 64 || v < 1 || v > 64) throw new InputError(where, [{ where, message: `"${s}": domains and vcpus per domain must be 1..64` }]);
    const cycle = ['int', 'fp', 'io', 'vector', 'cpu'];
    return Array.from({ length: d }, (_, i) => ({ profile: cycle[i % cycle.length], vcpus: v, weight: 256, cap: 0 }));
  }
  const out: DomainSpec[] = [];
  for (const part of s.split(',')) {
    const m = /^([a-z]+)(?:\*(\d+))?((?::[wc]\d+)*)$/.exec(part.trim());
    if (!m) throw new InputError(where, [{ where, message: `"${part}" is not PROFILE[*VCPUS][:wWEIGHT][:cCAP] (e.g. "io*2:w512") or DxV (e.g. "3x2")` }]);
    if (profileIndex(m[1]) < 0) throw new InputError(where, [{ where, message: `unknown guest profile "${m[1]}" in "${part}"; expected one of ${PROFILES.map((p) => p.name).join(', ')}` }]);
    const vcpus = m[2] ? Number(m[2]) : 1;
    if (vcpus < 1 || vcpus > 64) throw new InputError(where, [{ where, message: `"${part}": vcpus must be 1..64` }]);
    let weight = 256;
    let cap = 0;
    for (const opt of m[3].split(':').filter(Boolean)) {
      const n = Number(opt.slice(1));
      if (opt[0] === 'w') {
        if (n < 1 || n > 65535) throw new InputError(where, [{ where, message: `"${part}": weight must be 1..65535 (Xen's range)` }]);
        weight = n;
      } else {
        if (n > 6400) throw new InputError(where, [{ where, message: `"${part}": cap is a percentage of one pcpu, 0..6400` }]);
        cap = n;
      }
    }
    out.push({ profile: m[1], vcpus, weight, cap });
  }
  if (out.length > 64) throw new InputError(where, [{ where, message: 'at most 64 domains' }]);
  return out;
}

export function parseTime(text: string, where = '--time'): number {
  const s = parseDuration(text);
  if (s === null) throw new InputError(where, [{ where, message: `"${text}" is not a duration such as 1h, 2min, 1s, 250ms, 500us` }]);
  if (s > 3600) throw new InputError(where, [{ where, message: `"${text}" is longer than the limit of 1h (3600s) of simulated time` }]);
  return s;
}
