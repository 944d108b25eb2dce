/**
 * @module explore/explorer: breadth-first exploration of every interleaving of the simulator's
 * explicit choices (sim/step.ts `enabled` + `applyChoice`) from the initial state of a small
 * configuration, with the Checker on every transition. Breadth-first, so the first violation
 * found has a shortest path (in choices) among those the search explores.
 *
 * Reductions (on unless `reduction: false`): a visited set on the canonical state (time and
 * token values abstracted away, explore/canon.ts); symmetry over identical vcpus and pcpus
 * where sound (explore/canon.ts); sleep sets (explore/sleep.ts) over guest steps of different
 * pcpus, which commute. Bounds: depth, a CHESS-style preemption bound, a state or time budget.
 * The clock is read only through `now` (the CLI passes performance.now).
 *
 * Memory: the visited set is a hash-compact table of 53-bit keys (explore/fingerprints.ts, 16–32
 * bytes a state) whose one value per state is the sleep set, the liveness node or the row of the
 * preemption counts; the paths back to the initial state are two typed arrays (parent id, packed
 * choice: sim/choice.ts packChoice), 12 bytes an id; the states still to expand are stored
 * states (explore/stored.ts: α, register values as codes) packed into bytes in a FIFO
 * (explore/frontier.ts), a hundred to a few hundred bytes each. Only two live states exist: the
 * one being expanded (γ of a stored state) and the one each transition writes.
 */
import { PHASE_NAMES, type HvState } from '../hv/index.ts';
import type { Violation } from '../check/index.ts';
import { choiceToString, packChoice, unpackChoice, type Choice } from '../sim/index.ts';
import { makeCanon } from './canon.ts';
import { actor, cloneForExplore, enabledFor, exploreStep, initialState, type ExploreSetup } from './model.ts';
import { StoredStates } from './stored.ts';
import { Frontier } from './frontier.ts';
import { invariant } from '../base/index.ts';
import { SleepSets } from './sleep.ts';
import { replayString } from './replay.ts';
import { LivenessGraph } from './liveness.ts';
import { FingerprintTable, collisionProbability } from './fingerprints.ts';

export interface ExploreOptions {
  /** Symmetry reduction and sleep sets (the visited set is always on). Default true. */
  reduction?: boolean;
  /** Stop expanding at this depth (choices from the initial state). */
  depth?: number;
  /** CHESS preemption bound: switches away from an acting pcpu that could have continued. */
  preemptions?: number;
  /** Stop after this many distinct states. */
  maxStates?: number;
  /** Stop after this many seconds (measured with `now`). */
  maxSeconds?: number;
  /** Stop at the first violation (default true). */
  stopAtFirst?: boolean;
  /** Milliseconds clock (performance.now); default: none, seconds reported as 0. */
  now?: () => number;
  /** A state with no enabled choice: 'record' (default: count it, keep the first path) or 'violation' (also a counterexample, invariant "deadlock"). */
  deadlocks?: 'record' | 'violation';
  /** Called every 8192 states. */
  onProgress?: (p: { states: number; transitions: number; depth: number; seconds: number }) => void;
  /**
   * Also look for non-progress cycles (explore/liveness.ts): record the graph and, once the search
   * is complete with no violation, look for a cycle along which one pcpu waits forever while every
   * other event happens fairly. Needs `reduction: false` and no depth or preemption bound.
   */
  liveness?: boolean;
}

export interface FoundViolation {
  invariant: string;
  message: string;
  violation: Violation;
  /** The choices from the initial state, the violating one last. */
  choices: Choice[];
  /** Choices' text forms joined by spaces. */
  trace: string;
  /** Header + trace: what `lazyswitch replay` takes. */
  replay: string;
}

export interface ExploreResult {
  design: string;
  arch: string;
  /** Every reachable state (under the reductions) was expanded: no bound or budget cut the search, no violation stopped it. */
  complete: boolean;
  states: number;
  transitions: number;
  maxDepth: number;
  seconds: number;
  statesPerSecond: number;
  /** States without reduction / states with it, when both were measured to completion (else null). */
  reductionRatio: number | null;
  /** Why the search is not complete (null when it is). */
  stopped: null | 'violation' | 'depth' | 'preemptions' | 'states' | 'time';
  /** States with no enabled choice (the model deadlocked). */
  deadlocks: number;
  /** A shortest path to the first such state. */
  deadlock: { trace: string; replay: string; length: number } | null;
  /** Transitions not taken because they were asleep (sleep sets). */
  slept: number;
  reduction: boolean;
  violations: FoundViolation[];
  /** With `liveness`: whether the non-progress-cycle check ran (only on a complete search with no violation), and on how many transitions. */
  liveness?: { checked: boolean; transitions: number; found: boolean };
  /** The visited set keeps 53-bit hashes of the canonical states, not the states (SPIN's hash-compact): the probability that two of the `states` share a key, one then never explored (1 - exp(-n(n-1)/2⁵⁴)). */
  hashCompact: { keyBits: 53; collisionProbability: number };
  /** Bytes held by the visited table (explore/fingerprints.ts). */
  tableBytes: number;
  /** Bytes of the buffer that held the queue of states to expand (explore/frontier.ts), at its largest. */
  frontierBytes: number;
  /** States still queued, at most (the breadth-first frontier's peak length). */
  frontierPeak: number;
}

/**
 * A queued state's node header: the words in front of its stored state (explore/stored.ts) in
 * the frontier record.
 */
const H_ID = 0, H_DEPTH = 1, H_LAST = 2, H_PRE = 3, H_SLEEP = 4, H_ONLY = 5, H_LID = 6, HEADER = 7;
// H_LID: index of the state in the liveness graph (-1 without one). H_ONLY: on a re-expansion
// of a visited state (sleep sets), only these local transitions (-1: all).

export function explore(s: ExploreSetup, o: ExploreOptions = {}): ExploreResult {
  const reduction = o.reduction !== false;
  const now = o.now ?? (() => 0);
  const t0 = now();
  const maxDepth = o.depth ?? Infinity;
  const preBound = o.preemptions ?? Infinity;
  const maxStates = o.maxStates ?? Infinity;
  const maxMs = (o.maxSeconds ?? Infinity) * 1000;
  const stopAtFirst = o.stopAtFirst !== false;

  const st0 = initialState(s);
  const canon = makeCanon(st0, reduction);
  // Visited: canonical key → one value: with the preemption bound, the state's row in bestPre
  // (its best preemption count per last actor); with liveness, its graph node; else the sleep set
  // it was expanded with (sleep.ts; 0 without sleep sets). The three never meet: sleep sets are
  // off under a preemption bound and with liveness (which needs reduction: false).
  const visited = new FingerprintTable(1 << 12);
  const sleep = new SleepSets(reduction && !Number.isFinite(preBound) && st0.pcpus.length <= 3, s.sched.yield !== undefined, visited);
  const P = st0.pcpus.length;
  let bestPre = Number.isFinite(preBound) ? new Int32Array(P * 1024).fill(0x7fffffff) : null;
  const preRow = (row: number): number => {
    if ((row + 1) * P > bestPre!.length) {
      const b = new Int32Array(bestPre!.length * 2).fill(0x7fffffff);
      b.set(bestPre!);
      bestPre = b;
    }
    return row * P;
  };
  // Paths: id → parent id and the choice taken from it (packed; the rare choice that does not pack is kept whole in `whole`, its index coded as -1 - i).
  let parent = new Int32Array(1 << 12);
  let via = new Float64Array(1 << 12);
  let ids = 1;
  parent[0] = -1;
  const whole: Choice[] = [];
  const addPath = (from: number, c: Choice): number => {
    if (ids === parent.length) {
      const p2 = new Int32Array(ids * 2);
      p2.set(parent);
      parent = p2;
      const v2 = new Float64Array(ids * 2);
      v2.set(via);
      via = v2;
    }
    const packed = packChoice(c);
    via[ids] = packed >= 0 ? packed : -1 - (whole.push(c) - 1);
    parent[ids] = from;
    return ids++;
  };
  const violations: FoundViolation[] = [];
  let transitions = 0;
  let deepest = 0;
  let deadlocks = 0;
  let firstDeadlock: ExploreResult['deadlock'] = null;
  let stopped: ExploreResult['stopped'] = null;
  let cut: ExploreResult['stopped'] = null;

  const k0 = canon.key(st0);
  // Value 0: no sleep set, liveness node 0, bestPre row 0.
  visited.insert(k0, 0);
  // Non-progress cycles need every edge between distinct states, unrenamed and unbounded.
  const graph = o.liveness ? new LivenessGraph(P, st0.vcpus.length) : null;
  if (graph && (reduction || Number.isFinite(maxDepth) || Number.isFinite(preBound))) throw new Error('explore: liveness needs reduction: false and no depth or preemption bound');
  if (graph) graph.addNode(st0, 0);
  // The queue of states to expand: node header + stored state (explore/stored.ts), packed
  // (explore/frontier.ts). A popped record is concretised into stored.cur; each transition
  // steps a copy of it in `work`, and a new state is stored before `work` is reused.
  const stored = new StoredStates(st0);
  const frontier = new Frontier();
  let frontierPeak = 0;
  let rec = new Int32Array(stored.words.length);
  const enqueue = (st: HvState, id: number, depth: number, last: number, pre: number, sleepSet: number, only: number, lid: number): void => {
    const end = stored.encode(st, HEADER);
    const w = stored.words;
    w[H_ID] = id;
    w[H_DEPTH] = depth;
    w[H_LAST] = last;
    w[H_PRE] = pre;
    w[H_SLEEP] = sleepSet;
    w[H_ONLY] = only;
    w[H_LID] = lid;
    frontier.push(w, end);
    if (frontier.length > frontierPeak) frontierPeak = frontier.length;
  };
  enqueue(st0, 0, 0, -1, 0, 0, -1, graph ? 0 : -1);
  let work: HvState | null = null;
  let expanded = 0;

  const pathTo = (id: number): Choice[] => {
    const out: Choice[] = [];
    for (let i = id; i > 0; i = parent[i]) out.push(via[i] >= 0 ? unpackChoice(via[i]) : whole[-1 - via[i]]);
    return out.reverse();
  };
  // The violations of a path's last transition, from the concrete states along it (the
  // model's own, tokens and all: what the message says, word for word). The stored states
  // found the violation; that the concrete path has it too is the lockstep property.
  const concreteViolations = (path: Choice[]): Violation[] => {
    let st = st0;
    for (let i = 0; i + 1 < path.length; i++) st = exploreStep(st, path[i]).next;
    const vs = exploreStep(st, path[path.length - 1]).violations;
    invariant(vs.length > 0, `explore: the path ${path.map(choiceToString).join(' ')} violates from the stored state but not from the concrete one`);
    return vs;
  };

  outer: while (frontier.length) {
    if (rec.length < stored.words.length) rec = new Int32Array(stored.words.length);
    frontier.shift(rec);
    expanded++;
    const nId = rec[H_ID];
    const nDepth = rec[H_DEPTH];
    const nLast = rec[H_LAST];
    const nPre = rec[H_PRE];
    const nSleep = rec[H_SLEEP];
    const nOnly = rec[H_ONLY];
    const nLid = rec[H_LID];
    if (nDepth > deepest) deepest = nDepth;
    if (nDepth >= maxDepth) {
      cut ??= 'depth';
      continue;
    }
    const cur = stored.decode(rec, HEADER);
    work ??= cloneForExplore(cur);
    const choices = enabledFor(s, cur);
    if (graph) graph.setEnabled(nLid, choices);
    if (!choices.length) {
      deadlocks++;
      if (!firstDeadlock) {
        const path = pathTo(nId);
        const trace = path.map(choiceToString).join(' ');
        firstDeadlock = { trace, replay: replayString(s.spec, trace), length: path.length };
        if (o.deadlocks === 'violation') {
          const message = `no pcpu can take a step: ${cur.pcpus.map((pc) => `pcpu ${pc.id} ${PHASE_NAMES[pc.phase]}`).join(', ')}`;
          const v: Violation = { invariant: 'deadlock', step: cur.step, time: 0, pcpu: 0, vcpu: null, register: null, message };
          violations.push({ invariant: 'deadlock', message, violation: v, choices: path, trace, replay: firstDeadlock.replay });
          if (stopAtFirst) {
            stopped = 'violation';
            break;
          }
        }
      }
    }
    // A pcpu "could have continued" when one of its choices is enabled here.
    let lastCanContinue = false;
    if (nLast >= 0) for (const c of choices) if (actor(cur, c) === nLast) { lastCanContinue = true; break; }
    const ok = sleep.okMask(cur);
    let explored = 0;
    for (const c of choices) {
      if (nOnly !== -1 && !(sleep.bit(c) & nOnly)) continue;
      if (sleep.asleep(nSleep, c)) {
        sleep.slept++;
        continue;
      }
      const a = actor(cur, c);
      const pre = nPre + (lastCanContinue && a !== nLast ? 1 : 0);
      if (pre > preBound) {
        cut ??= 'preemptions';
        continue;
      }
      const { next, violations: vs } = exploreStep(cur, c, work);
      transitions++;
      const childSleep = sleep.childSleep(ok, nSleep, nOnly === -1 ? explored : 0, c);
      explored |= sleep.bit(c);
      if (vs.length) {
        const choicesTo = pathTo(addPath(nId, c));
        const v = concreteViolations(choicesTo)[0];
        const trace = choicesTo.map(choiceToString).join(' ');
        violations.push({ invariant: v.invariant, message: v.message, violation: v, choices: choicesTo, trace, replay: replayString(s.spec, trace) });
        if (stopAtFirst) {
          stopped = 'violation';
          break outer;
        }
        continue;
      }
      const key = canon.key(next);
      const ma = canon.group[canon.lastPerm].p[a];
      let slot = visited.indexOf(key);
      if (bestPre) {
        if (slot === -1) slot = visited.insert(key, visited.size);
        const b = preRow(visited.value(slot)) + ma;
        if (bestPre[b] <= pre) continue;
        bestPre[b] = pre;
      } else {
        if (graph && slot !== -1) graph.addEdge(nLid, visited.value(slot), c);
        if (slot !== -1) {
          // Sleep sets with a visited set (Godefroid): a state reached again with fewer
          // transitions asleep must also explore the ones it slept through the first time.
          const redo = sleep.revisit(slot, childSleep, canon.group[canon.lastPerm], canon.lastTies);
          if (redo === null) continue;
          const id = addPath(nId, c);
          enqueue(next, id, nDepth + 1, a, pre, redo.sleep, redo.only, graph ? visited.value(slot) : -1);
          continue;
        }
        slot = visited.insert(key, 0);
      }
      const z = sleep.store(slot, childSleep, canon.group[canon.lastPerm], canon.lastTies);
      const id = addPath(nId, c);
      let lid = -1;
      if (graph) {
        lid = graph.addNode(next, id);
        visited.setValue(slot, lid);
        graph.addEdge(nLid, lid, c);
      }
      enqueue(next, id, nDepth + 1, a, pre, z, -1, lid);
      if (visited.size >= maxStates) {
        stopped = 'states';
        break outer;
      }
    }
    if ((visited.size & 8191) === 0 || (expanded & 1023) === 0) {
      const ms = now() - t0;
      if (ms > maxMs) {
        stopped = 'time';
        break;
      }
      if ((expanded & 8191) === 0) o.onProgress?.({ states: visited.size, transitions, depth: nDepth, seconds: ms / 1000 });
    }
  }
  if (!stopped && cut) stopped = cut;
  let liveness: ExploreResult['liveness'];
  if (graph) {
    const checked = stopped === null && !violations.length;
    const npc = checked ? graph.findNonProgress() : null;
    liveness = { checked, transitions: graph.edges, found: npc !== null };
    if (npc) {
      const path = pathTo(graph.path[npc.node]);
      const trace = path.map(choiceToString).join(' ');
      const message = `pcpu ${npc.pcpu} can spin in ${PHASE_NAMES[npc.phase]} forever: from the state this path reaches, a cycle through ${npc.size} states keeps it waiting while every other pcpu's steps, IPIs, timers and I/O completions happen fairly (a non-progress cycle)`;
      const v: Violation = { invariant: 'liveness', step: path.length, time: 0, pcpu: npc.pcpu, vcpu: null, register: null, message };
      violations.push({ invariant: 'liveness', message, violation: v, choices: path, trace, replay: replayString(s.spec, trace) });
    }
  }
  const seconds = (now() - t0) / 1000;
  return {
    design: s.spec.design,
    arch: s.arch.name,
    complete: stopped === null,
    states: visited.size,
    transitions,
    maxDepth: deepest,
    seconds: Number(seconds.toFixed(3)),
    statesPerSecond: seconds > 0 ? Math.round(visited.size / seconds) : 0,
    reductionRatio: null,
    stopped,
    deadlocks,
    deadlock: firstDeadlock,
    slept: sleep.slept,
    reduction,
    violations,
    ...(liveness ? { liveness } : {}),
    hashCompact: { keyBits: 53, collisionProbability: collisionProbability(visited.size) },
    tableBytes: visited.bytes,
    frontierBytes: frontier.peakBytes,
    frontierPeak,
  };
}
