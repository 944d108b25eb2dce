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
 * (explore/frontier.ts), a hundred to a few hundred bytes each. Only two live states exist per
 * expander: the one being expanded (γ of a stored state) and the one each transition writes.
 *
 * Expanding and committing. What a state's expansion is — its enabled choices, each transition
 * stepped and judged, each successor's key and record — depends on its record alone
 * (explore/expand.ts Expander); what becomes of it — visited or new, the sleep set to redo, the
 * path, the queue — depends on the search so far. So `search` is a generator that hands out
 * batches of records and commits their expansions strictly in the order it handed them out:
 * explore() expands each record here as soon as it is taken; `explore --workers`
 * (cli/explore-pool.ts) in worker threads; the states, transitions, verdicts and paths are the
 * same either way (search.test.ts).
 */
import { PHASE_NAMES, type HvState } from '../hv/index.ts';
import type { Violation } from '../check/index.ts';
import { choiceToString, unpackChoice, type Choice } from '../sim/index.ts';
import type { Canon } from './canon.ts';
import { exploreStep, type ExploreSetup } from './model.ts';
import type { StoredStates } from './stored.ts';
import { DEPTH_CUT, Expander, HEADER, H_DEPTH, H_ID, H_LAST, H_LID, H_ONLY, H_PRE, H_SLEEP, I_ACTOR, I_AT, I_CHOICE, I_FIELDS, I_KEY, I_KIND, I_LEN, I_PERM, I_PRE, I_SLEEP, I_TIES, R_DEADLOCK, R_DEPTH, R_FIELDS, R_ID, R_KIND, R_LID, R_NCHOICES, R_NITEMS, R_PRECUT, R_SLEPT, R_STEP, VIOLATION, choiceAt, clearExpansion, newExpansion, type ExpandOptions, type Expansion } from './expand.ts';
import { Frontier } from './frontier.ts';
import { invariant } from '../base/index.ts';
import { SleepSets, sleepSetsOn } from './sleep.ts';
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
 * What the search asks of whoever expands its records (the driver): `expand` a batch of
 * records (`count` of them, each at its offset in words[0, n): node header then stored state), whose Expansion the
 * driver hands back, batch by batch in the order asked, when the search yields `wait`. The
 * search never has more than `inflight` batches out.
 */
export type SearchRequest = { op: 'expand'; words: Int32Array; n: number; at: Int32Array; count: number } | { op: 'wait' };

/** How the search hands out records: up to `batch` records a request, up to `inflight` requests out. */
export interface SearchPlan {
  batch: number;
  inflight: number;
}

/** The explorer's view of the configuration: its initial state, canonical keys, stored states (an Expander's, or one equal to every expander's). */
export interface SearchContext {
  st0: HvState;
  canon: Canon;
  stored: StoredStates;
  /** An expander in this thread (Expander.known): the search tells it which successors it will not queue. */
  known?: ((key: number) => boolean) | null;
  /** Told each key the search settles (what `known` would say yes to from then on), for expanders elsewhere (explore/settled-keys.ts). */
  onSettled?: (key: number) => void;
}

export function expandOptions(o: ExploreOptions): ExpandOptions {
  return { reduction: o.reduction !== false, depth: o.depth ?? Infinity, preemptions: o.preemptions ?? Infinity, phases: !!o.liveness };
}

/**
 * The search: breadth first over the records of the frontier, each record's expansion committed
 * in the frontier's order whoever expanded it, so the result does not depend on the plan.
 * Contract: the driver answers each `wait` with the Expansion of the oldest batch not yet
 * answered, and may reuse an Expansion once the search has asked for its next request.
 */
export function* search(s: ExploreSetup, o: ExploreOptions, ctx: SearchContext, plan: SearchPlan): Generator<SearchRequest, ExploreResult, Expansion | undefined> {
  const reduction = o.reduction !== false;
  const now = o.now ?? (() => 0);
  const t0 = now();
  const maxDepth = o.depth ?? Infinity;
  const preBound = o.preemptions ?? Infinity;
  const maxStates = o.maxStates ?? Infinity;
  const maxMs = (o.maxSeconds ?? Infinity) * 1000;
  const stopAtFirst = o.stopAtFirst !== false;

  const { st0, canon, stored } = ctx;
  // Visited: canonical key → one value: with the preemption bound, the state's row in bestPre
  // (its best preemption count per last actor); with liveness, its graph node; else the sleep set
  // it was expanded with (sleep.ts; 0 without sleep sets). The three never meet: sleep sets are
  // off under a preemption bound and with liveness (which needs reduction: false).
  const visited = new FingerprintTable(1 << 12);
  // The expanders' rule (explore/expand.ts), with the visited table behind it.
  const sleep = new SleepSets(sleepSetsOn(reduction, preBound, st0.pcpus.length), s.sched.yield !== undefined, visited);
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
  // `packed`: packChoice's value, or -1 - i for whole choices[i] of expansion e.
  const addPath = (from: number, packed: number, e: Expansion): number => {
    if (ids === parent.length) {
      const p2 = new Int32Array(ids * 2);
      p2.set(parent);
      parent = p2;
      const v2 = new Float64Array(ids * 2);
      v2.set(via);
      via = v2;
    }
    via[ids] = packed >= 0 ? packed : -1 - (whole.push(e.whole[-1 - packed]) - 1);
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
  // A successor visited for good: reached again it is never queued — no preemption row to
  // better, and no sleep set left to redo (a stored sleep set only shrinks, so one that is
  // empty stays empty). Its record is not needed (the expander then does not encode it).
  if ('known' in ctx) ctx.known = (key: number): boolean => {
    if (bestPre) return false;
    const slot = visited.indexOf(key);
    return slot !== -1 && (!sleep.on || visited.value(slot) === 0);
  };
  // The queue of states to expand: node header + stored state (explore/stored.ts), packed
  // (explore/frontier.ts). A successor's record comes from its expansion with room for the
  // header in front, which is filled in here before the record is queued.
  const frontier = new Frontier();
  let frontierPeak = 0;
  const setHeader = (w: Int32Array, at: number, id: number, depth: number, last: number, pre: number, sleepSet: number, only: number, lid: number): void => {
    w[at + H_ID] = id;
    w[at + H_DEPTH] = depth;
    w[at + H_LAST] = last;
    w[at + H_PRE] = pre;
    w[at + H_SLEEP] = sleepSet;
    w[at + H_ONLY] = only;
    w[at + H_LID] = lid;
  };
  // Records handed out and not yet committed (the one being committed not counted): to a search
  // that took one record at a time they are still queued, so the queue's length is
  // frontier.length + handedOut and frontierPeak is the same whatever the plan.
  let handedOut = 0;
  const enqueue = (w: Int32Array, at: number, len: number): void => {
    frontier.push(w, len, at);
    const queued = frontier.length + handedOut;
    if (queued > frontierPeak) frontierPeak = queued;
  };
  {
    const end = stored.encode(st0, HEADER);
    setHeader(stored.words, 0, 0, 0, -1, 0, 0, -1, graph ? 0 : -1);
    enqueue(stored.words, 0, end);
  }
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

  const need = (len: number): void => invariant(len > 0, 'explore: a successor to queue was expanded without its record (Expander.known)');
  /** Commit one record's expansion at e.meta[r…]; returns the index after it, or -1 when the search stops. */
  const commit = (e: Expansion, r: number): number => {
    const M = e.meta;
    expanded++;
    handedOut--;
    const nId = M[r + R_ID];
    const nDepth = M[r + R_DEPTH];
    const nLid = M[r + R_LID];
    if (nDepth > deepest) deepest = nDepth;
    if (M[r + R_KIND] === DEPTH_CUT) {
      cut ??= 'depth';
      return r + R_FIELDS;
    }
    const nChoices = M[r + R_NCHOICES];
    const c0 = r + R_FIELDS;
    if (graph) {
      const cs: Choice[] = [];
      for (let i = 0; i < nChoices; i++) cs.push(choiceAt(e, M[c0 + i]));
      graph.setEnabled(nLid, cs);
    }
    if (!nChoices) {
      deadlocks++;
      if (!firstDeadlock) {
        const path = pathTo(nId);
        const trace = path.map(choiceToString).join(' ');
        firstDeadlock = { trace, replay: replayString(s.spec, trace), length: path.length };
        if (o.deadlocks === 'violation') {
          const message = e.texts[M[r + R_DEADLOCK]];
          const v: Violation = { invariant: 'deadlock', step: M[r + R_STEP], time: 0, pcpu: 0, vcpu: null, register: null, message };
          violations.push({ invariant: 'deadlock', message, violation: v, choices: path, trace, replay: firstDeadlock.replay });
          if (stopAtFirst) {
            stopped = 'violation';
            return -1;
          }
        }
      }
    }
    if (M[r + R_PRECUT]) cut ??= 'preemptions';
    sleep.slept += M[r + R_SLEPT];
    const itemFields = I_FIELDS + (graph ? P : 0);
    let it = c0 + nChoices;
    const end = it + M[r + R_NITEMS] * itemFields;
    const W = e.words;
    for (; it < end; it += itemFields) {
      const packed = M[it + I_CHOICE];
      transitions++;
      const a = M[it + I_ACTOR];
      const pre = M[it + I_PRE];
      const childSleep = M[it + I_SLEEP];
      if (M[it + I_KIND] === VIOLATION) {
        const choicesTo = pathTo(addPath(nId, packed, e));
        const v = concreteViolations(choicesTo)[0];
        const trace = choicesTo.map(choiceToString).join(' ');
        violations.push({ invariant: v.invariant, message: v.message, violation: v, choices: choicesTo, trace, replay: replayString(s.spec, trace) });
        if (stopAtFirst) {
          stopped = 'violation';
          return -1;
        }
        continue;
      }
      const key = M[it + I_KEY];
      const ren = canon.group[M[it + I_PERM]];
      const ties = M[it + I_TIES];
      const at = M[it + I_AT];
      const len = M[it + I_LEN];
      const ma = ren.p[a];
      let slot = visited.indexOf(key);
      if (bestPre) {
        if (slot === -1) slot = visited.insert(key, visited.size);
        const b = preRow(visited.value(slot)) + ma;
        if (bestPre[b] <= pre) continue;
        bestPre[b] = pre;
      } else {
        if (graph && slot !== -1) graph.addEdge(nLid, visited.value(slot), choiceAt(e, packed));
        if (slot !== -1) {
          // Sleep sets with a visited set (Godefroid): a state reached again with fewer
          // transitions asleep must also explore the ones it slept through the first time.
          const redo = sleep.revisit(slot, childSleep, ren, ties);
          if (redo === null) continue;
          need(len);
          const id = addPath(nId, packed, e);
          setHeader(W, at, id, nDepth + 1, a, pre, redo.sleep, redo.only, graph ? visited.value(slot) : -1);
          enqueue(W, at, len);
          continue;
        }
        slot = visited.insert(key, 0);
      }
      need(len);
      const z = sleep.store(slot, childSleep, ren, ties);
      if (ctx.onSettled && !bestPre && (!sleep.on || visited.value(slot) === 0)) ctx.onSettled(key);
      const id = addPath(nId, packed, e);
      let lid = -1;
      if (graph) {
        const phases: number[] = [];
        for (let p = 0; p < P; p++) phases.push(M[it + I_FIELDS + p]);
        lid = graph.addPhases(phases, id);
        visited.setValue(slot, lid);
        graph.addEdge(nLid, lid, choiceAt(e, packed));
      }
      setHeader(W, at, id, nDepth + 1, a, pre, z, -1, lid);
      enqueue(W, at, len);
      if (visited.size >= maxStates) {
        stopped = 'states';
        return -1;
      }
    }
    if ((visited.size & 8191) === 0 || (expanded & 1023) === 0) {
      const ms = now() - t0;
      if (ms > maxMs) {
        stopped = 'time';
        return -1;
      }
      if ((expanded & 8191) === 0) o.onProgress?.({ states: visited.size, transitions, depth: nDepth, seconds: ms / 1000 });
    }
    return end;
  };

  let out = 0;
  // One buffer per request that can be out at once (plus one), reused round the ring: a driver
  // that sends a request elsewhere copies it (postMessage), so the search may refill it once it
  // has had the request's answer.
  const bufs = Array.from({ length: plan.inflight + 1 }, () => ({ words: new Int32Array(plan.batch * 256), at: new Int32Array(plan.batch) }));
  let nextBuf = 0;
  search: for (;;) {
    // Hand out what the frontier holds, up to the plan's limits.
    while (out < plan.inflight && frontier.length) {
      const count = Math.min(plan.batch, frontier.length);
      const buf = bufs[nextBuf];
      nextBuf = (nextBuf + 1) % bufs.length;
      let n = 0;
      for (let i = 0; i < count; i++) {
        if (n + frontier.maxWords > buf.words.length) {
          const w = new Int32Array((n + frontier.maxWords) * 2);
          w.set(buf.words.subarray(0, n));
          buf.words = w;
        }
        buf.at[i] = n;
        n += frontier.shift(buf.words, n);
      }
      out++;
      handedOut += count;
      yield { op: 'expand', words: buf.words, n, at: buf.at, count };
    }
    if (!out) break;
    const e = yield { op: 'wait' };
    out--;
    invariant(e !== undefined, 'explore: a wait answered without an expansion');
    for (let r = 0; r < e.m; ) {
      r = commit(e, r);
      if (r < 0) break search;
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

/** Expand each record of a request into e (cleared first). */
export function expandRequest(x: Expander, q: { words: Int32Array; at: Int32Array; count: number }, e: Expansion): Expansion {
  clearExpansion(e);
  for (let i = 0; i < q.count; i++) x.expand(q.words, q.at[i], e);
  return e;
}

/** Explore in this thread: each record expanded here, one at a time, as it is taken from the frontier. */
export function explore(s: ExploreSetup, o: ExploreOptions = {}): ExploreResult {
  const x = new Expander(s, expandOptions(o));
  const g = search(s, o, x, { batch: 1, inflight: 1 });
  const e = newExpansion();
  let r = g.next();
  while (!r.done) r = r.value.op === 'expand' ? (expandRequest(x, r.value, e), g.next()) : g.next(e);
  return r.value;
}
