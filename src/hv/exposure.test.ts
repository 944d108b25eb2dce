/**
 * The LazyFP exposure window in guest instructions (issue 6): exposureCycles × the architecture's
 * guest IPC (cost.guestIpc), per design and per domain pair.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_ARCH_DATA, builtinArchNames, compileArch, getArch } from '../arch/index.ts';
import { getScheduler } from './sched/index.ts';
import { runOne } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';
import { xenX86LazyFpu } from './switch/xen-x86-lazy-fpu/index.ts';
import { fpuEager } from './switch/fpu-eager/index.ts';
import { renderExposurePairs } from '../cli/run.ts';

const run = (arch = getArch('x86-64'), design = xenX86LazyFpu) =>
  runOne({ arch, design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('io*4,fp*2,vector*2'), seconds: 0.2, seed: 3 });

describe('exposure in guest instructions', () => {
  it('every built-in architecture gives a guest IPC with its source', () => {
    for (const name of builtinArchNames()) {
      const ipc = getArch(name).spec.cost.guestIpc;
      expect(ipc.ipc).toBeGreaterThan(0);
      expect(ipc.source).toMatch(/\[estimate\]/);
    }
  });

  it('an architecture file without guestIpc gets one instruction per cycle, marked as a default', () => {
    const d = structuredClone(BUILTIN_ARCH_DATA['x86-64']) as any;
    delete d.cost.guestIpc;
    expect(compileArch(d, 'no-ipc').spec.cost.guestIpc).toEqual({ ipc: 1, source: expect.stringMatching(/^\[default\]/) });
  });

  it('is the exposure cycles times the guest IPC, in total and per domain pair', () => {
    const d = structuredClone(BUILTIN_ARCH_DATA['x86-64']) as any;
    d.cost.guestIpc = { ipc: 2.5, source: 'a test figure' };
    const r = run(compileArch(d, 'ipc-2.5'));
    const m = r.metrics;
    expect(r.violations).toEqual([]);
    expect(m.exposureCycles).toBeGreaterThan(0);
    expect(m.exposureInstructions).toBe(Math.round(2.5 * m.exposureCycles));
    expect(Object.keys(m.exposureInstructionsByPair).sort()).toEqual(Object.keys(m.exposureByPair).sort());
    for (const [pair, cycles] of Object.entries(m.exposureByPair)) expect(m.exposureInstructionsByPair[pair]).toBe(Math.round(2.5 * cycles));
    const sum = Object.values(m.exposureInstructionsByPair).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - m.exposureInstructions)).toBeLessThanOrEqual(Object.keys(m.exposureByPair).length);
  });

  it('is zero for an eager design', () => {
    const m = run(getArch('x86-64'), fpuEager).metrics;
    expect(m.exposureInstructions).toBe(0);
    expect(m.exposureInstructionsByPair).toEqual({});
  });

  it('the pair table lists each exposing design\'s pairs, largest first, and leaves the others out', () => {
    const lazy = run();
    const eager = run(getArch('x86-64'), fpuEager);
    const text = renderExposurePairs([eager, lazy], ['d1 io', 'd2 fp', 'd3 vector']);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^LazyFP exposure by domain pair: .*\(d1 io, d2 fp, d3 vector\)$/);
    expect(lines[2]).toMatch(/^arch\s+design\s+running over owner\s+Mcycles\s+Minstr\s+% of design$/);
    const rows = lines.slice(4);
    expect(rows.length).toBe(Object.keys(lazy.metrics.exposureByPair).length);
    expect(rows.every((l) => /^x86-64\s+xen-x86-lazy-fpu\s+d\d over d\d\s+[\d.,]+\s+[\d.,]+\s+\d+$/.test(l))).toBe(true);
    const mcycles = rows.map((l) => Number(l.split(/\s+/)[5].replace(/,/g, '')));
    expect([...mcycles].sort((a, b) => b - a)).toEqual(mcycles);
    // Aligned: every row as long as the rule under the header (numbers right-aligned).
    expect(new Set(rows.map((l) => l.length)).size).toBe(1);
    expect(renderExposurePairs([eager], ['d1 io'])).toBe('');
  });
});
