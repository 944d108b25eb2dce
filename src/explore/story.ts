/**
 * @module explore/story: a counterexample as a story a person can read — step by step, which
 * pcpu did what (from the choice, the phase it acted in, and the timeline events the hypervisor
 * emitted through cfg.tracer during the step), ending with the checker's message, which names
 * the register and where the lost value was left.
 */
import { CTL, CTL_NAMES, GUEST_OP, GUEST_OP_NAMES, NONE, PHASE, type HvEventKind, type HvState, type HvTracer } from '../hv/index.ts';
import { IPI_FLUSH, IPI_STOP } from '../machine/index.ts';
import type { Choice } from '../sim/index.ts';
import { replayChoices } from './replay.ts';
import type { ExploreSetup } from './model.ts';
import type { Violation } from '../check/index.ts';

interface Ev {
  kind: HvEventKind;
  p: number;
  a: number;
  b: number;
  lazy?: boolean;
}

class Recorder implements HvTracer {
  events: Ev[] = [];
  event(_st: HvState, kind: HvEventKind, p: number, a: number, b: number, lazy?: boolean): void {
    this.events.push({ kind, p, a, b, lazy });
  }
}

function name(st: HvState, v: number): string {
  return v === NONE ? '—' : st.vcpus[v].name;
}

function describeChoice(st: HvState, c: Choice): { pcpu: number; text: string } {
  switch (c.k) {
    case 'run': {
      const pc = st.pcpus[c.p];
      const what: Record<number, string> = {
        [PHASE.SOFTIRQ]: 'schedule()',
        [PHASE.SWITCH_PREP]: `context_switch(${name(st, pc.prev)} → ${name(st, pc.next)}) begins, IRQs on: is ${name(st, pc.next)}'s state dirty elsewhere?`,
        [PHASE.SYNC_WAIT]: `the flush IPI to pcpu ${pc.waitPcpu} is acknowledged; stops spinning`,
        [PHASE.SWITCH]: `IRQs off, current = ${name(st, pc.next)}, the state switch`,
        [PHASE.SAVED]: `context_saved(${name(st, pc.prev)}), then returns to ${name(st, pc.next)}`,
        [PHASE.IDLE]: 'the idle loop unwinds to assembly to commit the state it holds lazily (deferred sync)',
        [PHASE.CTL_WAIT]: `${CTL_NAMES[pc.ctlOp] ?? 'domctl'}: ${name(st, pc.ctlTarget)} is no longer is_running; sync_vcpu_execstate()`,
        [PHASE.CTL_SYNC]: `${CTL_NAMES[pc.ctlOp] ?? 'domctl'}: the flush is acknowledged; reads ${name(st, pc.ctlTarget)}'s context`,
      };
      return { pcpu: c.p, text: what[pc.phase] ?? 'a hypervisor step' };
    }
    case 'guest': {
      const v = st.pcpus[c.p].current;
      const regs = st.cfg.profileRegs[st.vcpus[v].profile].length;
      let then: string;
      switch (c.op) {
        case GUEST_OP.NONE:
          then = 'and keeps running';
          break;
        case GUEST_OP.BLOCK:
          then = `then blocks (SCHEDOP_block; its I/O completes on pcpu ${c.irq})`;
          break;
        case GUEST_OP.CONTROL: {
          const op = c.irq & 15;
          if (op === CTL.HOTPLUG) then = `then issues ${st.pcpus[c.irq >>> 4].online ? 'cpu_down' : 'cpu_up'}(pcpu ${c.irq >>> 4})`;
          else then = `then issues ${CTL_NAMES[op] ?? 'a domctl'}(${name(st, c.arg)})${op === 2 ? ` to pcpu ${c.irq >>> 4}` : ''}`;
          break;
        }
        default:
          then = `then ${GUEST_OP_NAMES[c.op] ?? 'op ' + c.op}`;
      }
      return { pcpu: c.p, text: `${name(st, v)} runs guest code, writes its ${regs} registers, ${then}` };
    }
    case 'timer':
      return { pcpu: c.p, text: `timer interrupt: ${name(st, st.pcpus[c.p].current)}'s slice ends` };
    case 'ipi': {
      const i = st.pcpus[c.p].ipis[0];
      return { pcpu: c.p, text: `takes the ${ipiName(i.kind, true)} IPI from pcpu ${i.from}` };
    }
    case 'wake': {
      const v = st.vcpus[c.v];
      return { pcpu: v.wakePcpu, text: `I/O completion interrupt: vcpu_wake(${v.name})` };
    }
  }
}

function ipiName(kind: number, long: boolean): string {
  if (kind === IPI_FLUSH) return long ? 'flush (FLUSH_VCPU_STATE)' : 'flush';
  if (kind === IPI_STOP) return long ? 'stop_machine (take_cpu_down)' : 'stop_machine';
  return 'reschedule';
}

function describeEvent(st: HvState, e: Ev): string {
  switch (e.kind) {
    case 'sched':
      return `picks ${name(st, e.b)} to replace ${name(st, e.a)}`;
    case 'switch':
      return e.lazy ? `lazy switch ${name(st, e.a)} → ${name(st, e.b)}: nothing moved` : `switched state ${name(st, e.a)} → ${name(st, e.b)}`;
    case 'saved':
      return `${name(st, e.a)} no longer is_running`;
    case 'ipi-send':
      return `sends a ${ipiName(e.b, false)} IPI to pcpu ${e.a}`;
    case 'ipi-take':
      return '';
    case 'sync':
      return `commits ${name(st, e.a)}'s lazily held state (sync)`;
    case 'block':
      return `${name(st, e.a)} blocks`;
    case 'wake':
      return `${name(st, e.a)} is runnable again`;
  }
}

export interface Story {
  lines: string[];
  violation: Violation | null;
  text: string;
}

/** Replay `choices` and tell what happened, step by step. */
export function tellStory(setup: ExploreSetup, choices: Choice[]): Story {
  const rec = new Recorder();
  const steps: { pcpu: number; text: string; mark: number }[] = [];
  let st0: HvState | null = null;
  const r = replayChoices(setup, choices, {
    tracer: rec,
    onStep: (_i, st, c) => {
      st0 ??= st;
      steps.push({ ...describeChoice(st, c), mark: rec.events.length });
    },
  });
  const st = r.final;
  const lines: string[] = [];
  const width = String(steps.length).length;
  steps.forEach((s, i) => {
    const evs = rec.events.slice(s.mark, i + 1 < steps.length ? steps[i + 1].mark : rec.events.length);
    const extra = evs.map((e) => describeEvent(st, e)).filter(Boolean);
    lines.push(`${String(i + 1).padStart(width)}. pcpu ${s.pcpu}: ${s.text}${extra.length ? ` — ${extra.join('; ')}` : ''}`);
  });
  const v = r.violations[0] ?? null;
  if (v) lines.push(`${' '.repeat(width)}  ⇒ ${v.invariant} violated: ${v.message}`);
  else lines.push(`${' '.repeat(width)}  (no violation)`);
  return { lines, violation: v, text: lines.join('\n') };
}
