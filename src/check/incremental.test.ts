import { describe, expect, it } from 'vitest';
import { Checker } from './checker.ts';
import { getArch } from '../arch/index.ts';
import { DESIGNS, getDesign, getScheduler, type SwitchDesign } from '../hv/index.ts';
import { buildState, drive } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';

/** Drive one short run with a checker that rebuilds its incremental view after every step. */
function crossChecked(arch: string, design: SwitchDesign, controlHz: number) {
  const checker = new Checker({ crossCheck: true });
  const st = buildState({ arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('cpu*2,fp*2,io*2'), seconds: 0.02, observer: checker });
  drive(st, { seed: 3, controlHz });
  return checker;
}

describe('the checker\'s incremental view of the pcpus (issue 15 §2)', () => {
  it('matches a rebuild from scratch after every step, for every design, control operations on', () => {
    for (const arch of ['x86-64', 'ppc64']) {
      for (const d of DESIGNS) {
        if (d.supports(getArch(arch)) !== true) continue;
        expect(() => crossChecked(arch, d, 3000), `${d.name} on ${arch}`).not.toThrow();
      }
    }
  });

  it('finds a design that writes another pcpu\'s loaded state behind the observer\'s back', () => {
    const base = getDesign('xen-x86-lazy');
    const sneaky: SwitchDesign = {
      ...base,
      name: 'sneaky',
      contextSwitch(st, p, prev, next) {
        base.contextSwitch(st, p, prev, next);
        const q = (p + 1) % st.pcpus.length;
        st.pcpus[q].loaded.fill(next); // not through setLoadedAll: no onTouch
      },
    };
    expect(() => crossChecked('x86-64', sneaky, 0)).toThrow(/changed without onTouch|counts drifted/);
  });
});
