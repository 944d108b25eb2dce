/**
 * Non-progress cycles (explore/liveness.ts): the fairness judgement on hand-made graphs, where
 * the answer is known, and on explored ones, where correct designs have none.
 */
import { describe, expect, it } from 'vitest';
import { PHASE } from '../hv/index.ts';
import type { Choice } from '../sim/index.ts';
import { LivenessGraph } from './liveness.ts';
import { explore } from './explorer.ts';
import { resolveSpec, SMALL_SPEC } from './model.ts';

const G = PHASE.GUEST;
const WAIT = PHASE.SYNC_WAIT;
const run = (p: number): Choice => ({ k: 'run', p });
const ipi = (p: number): Choice => ({ k: 'ipi', p });
const timer = (p: number): Choice => ({ k: 'timer', p });
const guest = (p: number): Choice => ({ k: 'guest', p, len: 1, op: 1, arg: 0, irq: p });

/** Two pcpus, no vcpus' wakes: pcpu 0 waits in sync-wait in states a and b; pcpu 1 runs guest code. */
function twoStates(o: { ipiTakenInCycle: boolean; ipiEnabledEverywhere: boolean; exitEnabledEverywhere: boolean }) {
  const g = new LivenessGraph(2, 2);
  const a = g.addPhases([WAIT, G], 0);
  const b = g.addPhases([WAIT, G], 1);
  const out = g.addPhases([PHASE.SWITCH, G], 2);
  // a → b by pcpu 1's guest step, b → a by pcpu 1's guest step or its IPI.
  g.setEnabled(a, [guest(1), ...(o.ipiEnabledEverywhere || o.ipiTakenInCycle ? [ipi(1)] : []), ...(o.exitEnabledEverywhere ? [run(0)] : []), timer(1)]);
  g.setEnabled(b, [guest(1), ...(o.ipiEnabledEverywhere || o.ipiTakenInCycle ? [ipi(1)] : []), run(0), timer(1)]);
  g.addEdge(a, b, guest(1));
  g.addEdge(b, a, o.ipiTakenInCycle ? ipi(1) : guest(1));
  g.addEdge(b, a, timer(1));
  g.addEdge(b, out, run(0));
  if (o.exitEnabledEverywhere) g.addEdge(a, out, run(0));
  return g;
}

describe('the fairness judgement', () => {
  it('finds a cycle where pcpu 0 waits, its exit is not always enabled, and every other event occurs or is disabled somewhere', () => {
    const npc = twoStates({ ipiTakenInCycle: true, ipiEnabledEverywhere: true, exitEnabledEverywhere: false }).findNonProgress();
    expect(npc).toMatchObject({ pcpu: 0, phase: WAIT, size: 2 });
  });

  it('does not call a cycle fair that ignores an IPI pending all along', () => {
    expect(twoStates({ ipiTakenInCycle: false, ipiEnabledEverywhere: true, exitEnabledEverywhere: false }).findNonProgress()).toBeNull();
  });

  it('does not call a cycle fair in which the waiting pcpu could always leave', () => {
    expect(twoStates({ ipiTakenInCycle: true, ipiEnabledEverywhere: true, exitEnabledEverywhere: true }).findNonProgress()).toBeNull();
  });

  it('needs a cycle: a wait that only passes through states is no finding', () => {
    const g = new LivenessGraph(2, 2);
    const a = g.addPhases([WAIT, G], 0);
    const b = g.addPhases([WAIT, G], 1);
    g.setEnabled(a, [guest(1)]);
    g.setEnabled(b, [guest(1)]);
    g.addEdge(a, b, guest(1));
    expect(g.findNonProgress()).toBeNull();
    g.addEdge(b, a, guest(1));
    expect(g.findNonProgress()).toMatchObject({ pcpu: 0, size: 2 });
  });
});

describe('explore with liveness', () => {
  it('refuses the reductions it would be unsound under', () => {
    expect(() => explore(resolveSpec(SMALL_SPEC), { liveness: true })).toThrow(/reduction: false/);
  });
});
