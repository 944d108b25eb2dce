/**
 * packChoice / unpackChoice (sim/choice.ts), the explorer's packed path: every choice `enabled`
 * offers on the explorer's configurations (the small and default ones, every mutant's own, and a
 * three-pcpu one with every guest op and control operation) packs, and unpacks to an equal choice,
 * field by field and in key order; the rare choice that does not pack is refused (-1).
 */
import { describe, expect, it } from 'vitest';
import { choiceToString, packChoice, unpackChoice, type Choice } from '../sim/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { DEFAULT_SPEC, SMALL_SPEC, enabledFor, exploreStep, initialState, makeCanon, mutantSpec, resolveSpec, type ExploreSpec } from './index.ts';

/** Breadth-first over up to `max` canonical states: every choice enabled in them. */
function choicesOf(spec: ExploreSpec, max: number): Choice[] {
  const s = resolveSpec(spec);
  const st0 = initialState(s);
  const canon = makeCanon(st0, false);
  const seen = new Set([canon.key(st0)]);
  const queue = [st0];
  const out: Choice[] = [];
  for (let h = 0; h < queue.length && queue.length < max; h++) {
    for (const c of enabledFor(s, queue[h])) {
      out.push(c);
      const { next, violations } = exploreStep(queue[h], c);
      const k = canon.key(next);
      if (violations.length || seen.has(k)) continue;
      seen.add(k);
      queue.push(next);
    }
  }
  return out;
}

const WIDE: ExploreSpec = { design: 'xen-x86-lazy', arch: 'x86-64', sched: 'rr', pcpus: 3, domains: 'int*2,io*1', control: true, ops: ['run', 'hypercall', 'yield', 'block', 'guest-timer', 'device-irq'], ctl: ['getvcpucontext', 'setvcpucontext', 'set_affinity', 'hotplug', 'domain_pause', 'domain_destroy'] };

describe('packChoice / unpackChoice', () => {
  const configs: [string, ExploreSpec][] = [['small', SMALL_SPEC], ['default', DEFAULT_SPEC], ['wide', WIDE], ...MUTANTS.map((m) => [m.name, mutantSpec(m.name)] as [string, ExploreSpec])];
  it('round-trips every choice enabled on the explorer\'s configurations', () => {
    const kinds = new Set<string>();
    let n = 0;
    for (const [name, spec] of configs) {
      for (const c of choicesOf(spec, name === 'wide' || name === 'small' ? 2000 : 400)) {
        const p = packChoice(c);
        if (p < 0 || !Number.isSafeInteger(p) || p >= 2 ** 51) throw new Error(`${name}: ${choiceToString(c)} does not pack (${p})`);
        const u = unpackChoice(p);
        // Same fields, same values, same key order (JSON of the choices is unchanged).
        if (JSON.stringify(u) !== JSON.stringify(c)) expect(u).toEqual(c);
        expect(Object.is(u.k === 'wake' ? u.v : u.p, c.k === 'wake' ? c.v : c.p)).toBe(true);
        kinds.add(c.k === 'guest' ? `g${c.op}:${c.irq >> 4 ? 'x' : ''}` : c.k);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10_000);
    // Every kind, every guest op (control: with a pcpu/domain in irq's high bits too).
    for (const k of ['run', 'timer', 'wake', 'ipi', 'g0:', 'g1:', 'g2:', 'g3:', 'g4:', 'g5:', 'g6:', 'g6:x']) expect(kinds).toContain(k);
  });
  it('round-trips the extremes of every field, and refuses what does not fit', () => {
    const all: Choice[] = [
      { k: 'run', p: 255 },
      { k: 'timer', p: 0 },
      { k: 'wake', v: 255 },
      { k: 'ipi', p: 7 },
      { k: 'guest', p: 255, len: 255, op: 15, arg: 4095, irq: 65535 },
      { k: 'guest', p: 0, len: 0, op: 0, arg: 0, irq: 0 },
    ];
    for (const c of all) expect(unpackChoice(packChoice(c))).toEqual(c);
    for (const c of [
      { k: 'run', p: 256 },
      { k: 'wake', v: -1 },
      { k: 'guest', p: 0, len: 1.5, op: 0, arg: 0, irq: 0 },
      { k: 'guest', p: 0, len: 1, op: 16, arg: 0, irq: 0 },
      { k: 'guest', p: 0, len: 1, op: 0, arg: 4096, irq: 0 },
      { k: 'guest', p: 0, len: 1, op: 0, arg: 0, irq: -1 },
      { k: 'guest', p: 0, len: -0, op: 0, arg: 0, irq: 0 },
    ] as Choice[]) expect(packChoice(c)).toBe(-1);
    expect(() => unpackChoice(5)).toThrow(/not a packed choice/);
  });
});
