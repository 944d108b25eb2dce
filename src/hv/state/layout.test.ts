import { describe, expect, it } from 'vitest';
import { getArch } from '../../arch/index.ts';
import { buildState, cloneState } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';
import { getDesign, getScheduler } from '../index.ts';
import type { HvState } from '../model.ts';
import { PCPU_F64_WORDS, PCPU_I32_WORDS, PF, PI, VCPU_F64_WORDS, VCPU_I32_WORDS, VF, VI, stateLayout } from './layout.ts';
import { FlatPcpu, FlatVcpu, PCPU_F64_NAMES, PCPU_I32_NAMES, VCPU_F64_NAMES, VCPU_I32_NAMES } from './views.ts';

const build = (design: string, arch = 'x86-64'): HvState =>
  buildState({ arch: getArch(arch), design: getDesign(design), sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('cpu*2,io*1'), seconds: 0.01 });

/** Every byte range the layout gives out: the four scalar regions and every home slot. */
function regions(st: HvState): [number, number][] {
  const l = st.layout;
  const out: [number, number][] = [
    [l.pcpuF64, l.pcpuF64 + l.pcpus * PCPU_F64_WORDS * 8],
    [l.vcpuF64, l.vcpuF64 + l.vcpus * VCPU_F64_WORDS * 8],
    [l.pcpuI32, l.pcpuI32 + l.pcpus * PCPU_I32_WORDS * 4],
    [l.vcpuI32, l.vcpuI32 + l.vcpus * VCPU_I32_WORDS * 4],
  ];
  for (let i = 0; i < l.offset.length; i++) if (l.offset[i] >= 0) out.push([l.offset[i], l.offset[i] + l.length[i] * (l.kind[i] as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT]);
  return out;
}

describe('the flat state (hv/state)', () => {
  it("the accessors' word order is the layout's (PI, PF, VI, VF)", () => {
    expect(PCPU_I32_NAMES).toEqual(Object.keys(PI));
    expect(PCPU_F64_NAMES).toEqual(Object.keys(PF));
    expect(VCPU_I32_NAMES).toEqual(Object.keys(VI));
    expect(VCPU_F64_NAMES).toEqual(Object.keys(VF));
    expect(Object.values(PI)).toEqual(PCPU_I32_NAMES.map((_, i) => i));
    expect(PCPU_I32_NAMES.length).toBe(PCPU_I32_WORDS);
    expect(PCPU_F64_NAMES.length).toBe(PCPU_F64_WORDS);
    expect(VCPU_I32_NAMES.length).toBe(VCPU_I32_WORDS);
    expect(VCPU_F64_NAMES.length).toBe(VCPU_F64_WORDS);
  });

  for (const design of ['xen-x86-lazy', 'per-vcpu-stack']) {
    it(`lays every region out inside one buffer, 8-byte aligned, none overlapping (${design})`, () => {
      const st = build(design, design === 'per-vcpu-stack' ? 'arm64' : 'x86-64');
      const rs = regions(st).sort((a, b) => a[0] - b[0]);
      for (const [a, b] of rs) {
        expect(a % 8).toBe(0);
        expect(b).toBeLessThanOrEqual(st.buf.byteLength);
      }
      for (let i = 1; i < rs.length; i++) expect(rs[i][0]).toBeGreaterThanOrEqual(rs[i - 1][1]);
      // Every typed array of the built state is a view of that buffer, where the layout says.
      for (const p of st.pcpus) for (const a of [p.regs.val, p.regs.own, p.frame.val, p.frame.own, p.frameValid, p.loaded]) expect(a.buffer).toBe(st.buf);
      for (const v of st.vcpus) for (const a of [v.area.val, v.area.own, v.shadow, ...(v.stack ? [v.stack.frame.val, v.stack.ctx.own] : [])]) expect(a.buffer).toBe(st.buf);
      expect(st.vcpus.filter((v) => v.stack).length).toBe(design === 'per-vcpu-stack' ? 3 : 0);
    });
  }

  it('each accessor writes its own word of its own pcpu or vcpu, and nothing else', () => {
    const st = build('xen-x86-lazy');
    const bytes = new Uint8Array(st.buf);
    const check = (o: FlatPcpu | FlatVcpu, names: readonly string[], words: Int32Array | Float64Array, value: (k: number) => number | boolean) => {
      names.forEach((name, k) => {
        const before = bytes.slice();
        const x = value(k);
        (o as unknown as Record<string, number | boolean>)[name] = x;
        expect((o as unknown as Record<string, number | boolean>)[name]).toBe(x);
        const at = words.byteOffset + k * words.BYTES_PER_ELEMENT;
        for (let b = 0; b < bytes.length; b++) if (bytes[b] !== before[b]) expect(b >= at && b < at + words.BYTES_PER_ELEMENT, `${name} wrote byte ${b}`).toBe(true);
      });
    };
    const pc = st.pcpus[1] as FlatPcpu;
    const vc = st.vcpus[4] as FlatVcpu;
    const bools = new Set(['softirq', 'lockHeld', 'notFinalised', 'online', 'isRunning', 'migrating']);
    const flip = (o: object, names: readonly string[]) => (k: number) => (bools.has(names[k]) ? !(o as Record<string, boolean>)[names[k]] : 1000 + k);
    check(pc, PCPU_I32_NAMES, pc.i, flip(pc, PCPU_I32_NAMES));
    check(pc, PCPU_F64_NAMES, pc.f, (k) => 2 ** 40 + k + 0.5);
    check(vc, VCPU_I32_NAMES, vc.i, flip(vc, VCPU_I32_NAMES));
    check(vc, VCPU_F64_NAMES, vc.f, (k) => (k === 0 ? Infinity : 2 ** 32 - 1 - k));
  });

  it('a clone is one copy of the buffer: writing either leaves the other alone', () => {
    const st = build('xen-x86-lazy');
    const c = cloneState(st);
    expect(c.buf).not.toBe(st.buf);
    expect(new Uint8Array(c.buf)).toEqual(new Uint8Array(st.buf));
    expect(JSON.stringify(c.pcpus)).toBe(JSON.stringify(st.pcpus));
    c.pcpus[2].phase = 7;
    c.vcpus[3].wakeAt = 5;
    c.pcpus[0].regs.val[3] = 99;
    expect(st.pcpus[2].phase).not.toBe(7);
    expect(st.vcpus[3].wakeAt).toBe(Infinity);
    expect(st.pcpus[0].regs.val[3]).not.toBe(99);
  });

  it('toJSON names every field of HvPcpu and Vcpu (what the copy tests compare)', () => {
    const st = build('xen-x86-lazy');
    const keys = (o: object) => Object.keys((o as { toJSON(): object }).toJSON()).sort();
    // The accessors and the object fields together: nothing of the state is left out of a comparison.
    const pcpuFields = [...PCPU_I32_NAMES, ...PCPU_F64_NAMES, 'id', 'idle', 'regs', 'frame', 'frameValid', 'loaded', 'ipis', 'cframes', 'deferredAcks', 'ctlQueue', 'ctlPaused'].sort();
    const vcpuFields = [...VCPU_I32_NAMES, ...VCPU_F64_NAMES, 'id', 'domain', 'name', 'isIdle', 'profile', 'area', 'shadow', 'stack'].sort();
    expect(keys(st.pcpus[0])).toEqual(pcpuFields);
    expect(keys(st.vcpus[0])).toEqual(vcpuFields);
    // Object fields that are not accessors are own properties; nothing else is.
    const own = (o: object) => Object.keys(o).filter((k) => k !== 'i' && k !== 'f').sort();
    expect(own(st.pcpus[0])).toEqual(['cframes', 'ctlPaused', 'ctlQueue', 'deferredAcks', 'frame', 'frameValid', 'id', 'ipis', 'loaded', 'regs']);
    expect(own(st.vcpus[0])).toEqual(['area', 'domain', 'id', 'isIdle', 'name', 'profile', 'shadow', 'stack']);
  });

  it('one layout per configuration: the same sizes give the same offsets', () => {
    const a = stateLayout(3, 6, 40, 4, () => false);
    const b = stateLayout(3, 6, 40, 4, () => false);
    expect(a).toEqual(b);
    expect(stateLayout(3, 6, 40, 4, (v) => v >= 3).bytes).toBeGreaterThan(a.bytes);
  });
});
