/**
 * @module conformance/design-checks: the switch-design conformance checks as a library, so a
 * user can hold their own design (`lazyswitch conformance --design-file FILE`) to what every
 * built-in design is held to in src/hv/switch/conformance.case.ts: no violation under load and
 * with every control operation, determinism, a pure step.
 */
import { builtinArchNames, getArch, type Arch } from '../arch/index.ts';
import { getScheduler, savedValuesMismatch, type SwitchDesign } from '../hv/index.ts';
import { buildState, cloneState, drive, enabled, hashState, runOne, step } from '../sim/index.ts';
import { parseDomains } from '../scenario/index.ts';

export interface CheckOutcome {
  check: string;
  arch: string;
  passed: boolean;
  detail: string;
}

export function checkDesign(design: SwitchDesign, archs: Arch[] = builtinArchNames().map(getArch)): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  for (const arch of archs) {
    const ok = design.supports(arch);
    if (ok !== true) {
      out.push({ check: 'supports', arch: arch.name, passed: true, detail: `declined: ${ok}` });
      continue;
    }
    for (const sched of ['credit', 'rr']) {
      const r = runOne({ arch, design, sched: getScheduler(sched), pcpus: 4, domains: parseDomains('io*6,vector*2'), seconds: 0.3, seed: 7 });
      out.push({ check: `no violation under load (${sched})`, arch: arch.name, passed: r.violationCount === 0 && r.metrics.switches > 0, detail: r.violations[0]?.message ?? `${r.metrics.switches.toLocaleString('en-US')} switches, ${r.metrics.lazySwitches.toLocaleString('en-US')} lazy` });
    }
    const c = runOne({ arch, design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains('int*2,io*4,fp*2'), seconds: 0.3, seed: 5, controlHz: 3000 });
    out.push({ check: 'no violation with control operations', arch: arch.name, passed: c.violationCount === 0 && c.metrics.controlOps > 0, detail: c.violations[0]?.message ?? `${c.metrics.controlOps.toLocaleString('en-US')} control operations` });
    const o = { arch, design, sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('io*2,fp*2'), seconds: 0.05, seed: 3 };
    const same = JSON.stringify(runOne(o)) === JSON.stringify(runOne(o));
    out.push({ check: 'deterministic', arch: arch.name, passed: same, detail: same ? 'identical results for one seed' : 'two runs with one seed differ' });
    const st = buildState({ arch, design, sched: getScheduler('rr'), pcpus: 2, domains: parseDomains('io*2'), seconds: 0.01 });
    drive(st, { seed: 1, maxSteps: 200 });
    const before = hashState(st);
    let pure = hashState(cloneState(st)) === before;
    for (const ch of enabled(st)) {
      step(st, ch);
      pure &&= hashState(st) === before;
    }
    out.push({ check: 'step() leaves its input untouched', arch: arch.name, passed: pure, detail: pure ? 'pure' : 'a step changed the state it was given' });
    if (design.savedValues) out.push(savedValuesAgree(design, arch));
  }
  return out;
}

/**
 * A design's savedValues against its savedValue (hv/switch/saved-values) on every vcpu and
 * register, every 25 steps of a run with control operations (setvcpucontext, migration, pauses).
 */
function savedValuesAgree(design: SwitchDesign, arch: Arch): CheckOutcome {
  const check = 'savedValues agrees with savedValue';
  const st = buildState({ arch, design, sched: getScheduler('credit'), pcpus: 3, domains: parseDomains('int*2,io*2,fp*2'), seconds: 1 });
  for (let k = 0; k < 200; k++) {
    drive(st, { seed: 11 + k, maxSteps: 25, controlHz: 3000 });
    const bad = savedValuesMismatch(st);
    if (bad) return { check, arch: arch.name, passed: false, detail: bad };
  }
  return { check, arch: arch.name, passed: st.step > 0, detail: `agreed at every vcpu and register, every 25 of ${st.step.toLocaleString('en-US')} steps` };
}
