/**
 * @module explore/expand: the half of a breadth-first step that depends on nothing but the
 * state being expanded — γ of its record, its enabled choices, each transition stepped with the
 * checker, the successor's canonical key and its stored record α — written into a flat
 * Expansion that the explorer then commits (explore/explorer.ts: the visited set, sleep sets
 * against it, preemption counts, paths, the frontier). Because expanding a record reads only the
 * record, records can be expanded anywhere, in any order — in this thread or in worker threads
 * (cli/explore-pool.ts) — while the explorer commits their expansions in its queue's order, so
 * the search is the same whoever expanded what: the same states, transitions, verdicts and
 * shortest counterexamples (`explore --workers N`, issue 15 §5).
 *
 * An Expansion holds, for each record expanded into it, in `meta` (numbers):
 *
 *   struct expanded_record {
 *     f64 kind;          // EXPANDED, or DEPTH_CUT (the record was at the depth bound: not expanded)
 *     f64 id, depth, lid; // the record's node header (explorer.ts H_ID, H_DEPTH, H_LID)
 *     f64 n_choices;     // enabled choices (0: the state is a deadlock)
 *     f64 slept;         // choices skipped because asleep (sleep sets)
 *     f64 pre_cut;       // 1 if a choice was skipped by the preemption bound
 *     f64 deadlock;      // index into `texts` of the deadlock message, or -1
 *     f64 n_items;
 *     f64 step;          // the state's step count (sim/step applyChoice)
 *     f64 choice[n_choices];   // packed (sim/choice packChoice), or -1 - i for whole[i]
 *     struct item { f64 kind, choice, actor, pre, child_sleep, key, perm, ties, at, len;
 *                   f64 phase[P] (only with phases) } item[n_items];
 *   };
 *
 * An item is a transition taken: VIOLATION (its step broke an invariant: no key, no record) or
 * SUCCESSOR (key: the canonical key, perm and ties: the renaming that gave it, canon.ts; at, len:
 * its record in `words`, HEADER words left free in front for the explorer's node header; len 0
 * when the search said it would not queue it: Expander.known).
 */
import type { Choice } from '../sim/index.ts';
import { packChoice, unpackChoice } from '../sim/index.ts';
import { PHASE_NAMES, type HvState } from '../hv/index.ts';
import { makeCanon, type Canon } from './canon.ts';
import { actor, cloneForExplore, enabledFor, exploreStep, initialState, type ExploreSetup } from './model.ts';
import { StoredStates } from './stored.ts';
import { SleepSets, sleepSetsOn } from './sleep.ts';
import type { SettledKeys } from './settled-keys.ts';

/** A queued state's node header: the words in front of its stored state (explore/stored.ts) in a frontier record. */
export const H_ID = 0, H_DEPTH = 1, H_LAST = 2, H_PRE = 3, H_SLEEP = 4, H_ONLY = 5, H_LID = 6, HEADER = 7;
// H_LID: index of the state in the liveness graph (-1 without one). H_ONLY: on a re-expansion
// of a visited state (sleep sets), only these local transitions (-1: all).

export const EXPANDED = 0, DEPTH_CUT = 1;
export const R_KIND = 0, R_ID = 1, R_DEPTH = 2, R_LID = 3, R_NCHOICES = 4, R_SLEPT = 5, R_PRECUT = 6, R_DEADLOCK = 7, R_NITEMS = 8, R_STEP = 9, R_FIELDS = 10;
export const VIOLATION = 0, SUCCESSOR = 1;
export const I_KIND = 0, I_CHOICE = 1, I_ACTOR = 2, I_PRE = 3, I_SLEEP = 4, I_KEY = 5, I_PERM = 6, I_TIES = 7, I_AT = 8, I_LEN = 9, I_FIELDS = 10;

/** What the expander needs to know of the search (the rest is the explorer's). */
export interface ExpandOptions {
  /** Symmetry reduction and sleep sets. */
  reduction: boolean;
  depth: number;
  preemptions: number;
  /** Record each successor's pcpu phases (the liveness graph's nodes). */
  phases: boolean;
}

/** The flat output of expanding records (the layout in the module comment). Plain data: it travels between threads as it is. */
export interface Expansion {
  meta: Float64Array;
  m: number;
  words: Int32Array;
  w: number;
  /** Choices that do not pack. */
  whole: Choice[];
  /** Deadlock messages. */
  texts: string[];
}

export function newExpansion(): Expansion {
  return { meta: new Float64Array(1024), m: 0, words: new Int32Array(4096), w: 0, whole: [], texts: [] };
}

export function clearExpansion(e: Expansion): void {
  e.m = 0;
  e.w = 0;
  e.whole.length = 0;
  e.texts.length = 0;
}

/** The choice an expansion's packed value stands for. */
export function choiceAt(e: Expansion, packed: number): Choice {
  return packed >= 0 ? unpackChoice(packed) : e.whole[-1 - packed];
}

export class Expander {
  readonly st0: HvState;
  readonly canon: Canon;
  readonly stored: StoredStates;
  readonly sleep: SleepSets;
  private work: HvState | null = null;
  private readonly P: number;
  /**
   * Set by a search in this thread (explorer.ts): true for a key whose successor the search will
   * certainly not queue (visited for good, with nothing left to redo), so that its record is not
   * encoded. Null: encode every successor.
   */
  known: ((key: number) => boolean) | null = null;
  /**
   * An expander in another thread (cli/explore-pool.ts): the keys it knows the search has
   * settled — those the search told it of, and those it encoded itself with nothing asleep
   * (committed before any later sighting in this expander, such a successor is either new and
   * stored with an empty sleep set, or visited and left with one: settled either way). Null, or
   * under a preemption bound (a better count re-queues a visited state): encode every successor.
   */
  settled: SettledKeys | null = null;

  constructor(private readonly s: ExploreSetup, private readonly o: ExpandOptions) {
    this.st0 = initialState(s);
    this.P = this.st0.pcpus.length;
    this.canon = makeCanon(this.st0, o.reduction);
    this.stored = new StoredStates(this.st0);
    this.sleep = new SleepSets(sleepSetsOn(o.reduction, o.preemptions, this.P), s.sched.yield !== undefined);
  }

  /** Expand the record at rec[at…] (node header, then the stored state) into e. */
  expand(rec: Int32Array, at: number, e: Expansion): void {
    const r = this.meta(e, R_FIELDS);
    const M = e.meta;
    M[r + R_ID] = rec[at + H_ID];
    M[r + R_DEPTH] = rec[at + H_DEPTH];
    M[r + R_LID] = rec[at + H_LID];
    M[r + R_NCHOICES] = 0;
    M[r + R_SLEPT] = 0;
    M[r + R_PRECUT] = 0;
    M[r + R_DEADLOCK] = -1;
    M[r + R_NITEMS] = 0;
    M[r + R_STEP] = 0;
    if (rec[at + H_DEPTH] >= this.o.depth) {
      M[r + R_KIND] = DEPTH_CUT;
      return;
    }
    M[r + R_KIND] = EXPANDED;
    const nLast = rec[at + H_LAST];
    const nPre = rec[at + H_PRE];
    const nSleep = rec[at + H_SLEEP];
    const nOnly = rec[at + H_ONLY];
    const { sleep, canon, stored } = this;
    const cur = stored.decode(rec, at + HEADER);
    this.work ??= cloneForExplore(cur);
    const choices = enabledFor(this.s, cur);
    M[r + R_NCHOICES] = choices.length;
    M[r + R_STEP] = cur.step;
    const c0 = this.meta(e, choices.length);
    for (let i = 0; i < choices.length; i++) {
      const p = packChoice(choices[i]);
      e.meta[c0 + i] = p >= 0 ? p : -1 - (e.whole.push(choices[i]) - 1);
    }
    if (!choices.length) e.meta[r + R_DEADLOCK] = e.texts.push(`no pcpu can take a step: ${cur.pcpus.map((pc) => `pcpu ${pc.id} ${PHASE_NAMES[pc.phase]}`).join(', ')}`) - 1;
    // A pcpu "could have continued" when one of its choices is enabled here.
    let lastCanContinue = false;
    if (nLast >= 0) for (const c of choices) if (actor(cur, c) === nLast) { lastCanContinue = true; break; }
    const ok = sleep.okMask(cur);
    let explored = 0;
    let slept = 0;
    let items = 0;
    let preCut = 0;
    const itemFields = I_FIELDS + (this.o.phases ? this.P : 0);
    for (let ci = 0; ci < choices.length; ci++) {
      const c = choices[ci];
      if (nOnly !== -1 && !(sleep.bit(c) & nOnly)) continue;
      if (sleep.asleep(nSleep, c)) {
        slept++;
        continue;
      }
      const a = actor(cur, c);
      const pre = nPre + (lastCanContinue && a !== nLast ? 1 : 0);
      if (pre > this.o.preemptions) {
        preCut = 1;
        continue;
      }
      const { next, violations: vs } = exploreStep(cur, c, this.work);
      const childSleep = sleep.childSleep(ok, nSleep, nOnly === -1 ? explored : 0, c);
      explored |= sleep.bit(c);
      const it = this.meta(e, itemFields);
      const I = e.meta;
      items++;
      I[it + I_CHOICE] = I[c0 + ci];
      I[it + I_ACTOR] = a;
      I[it + I_PRE] = pre;
      I[it + I_SLEEP] = childSleep;
      if (vs.length) {
        I[it + I_KIND] = VIOLATION;
        continue;
      }
      I[it + I_KIND] = SUCCESSOR;
      const key = canon.key(next);
      I[it + I_KEY] = key;
      I[it + I_PERM] = canon.lastPerm;
      I[it + I_TIES] = canon.lastTies;
      if (this.o.phases) for (let p = 0; p < this.P; p++) I[it + I_FIELDS + p] = next.pcpus[p].phase;
      const settled = Number.isFinite(this.o.preemptions) ? null : this.settled;
      if (this.known?.(key) || settled?.has(key)) {
        I[it + I_AT] = 0;
        I[it + I_LEN] = 0;
        continue;
      }
      const from = e.w;
      let end = stored.encodeInto(next, e.words, from + HEADER);
      if (end > e.words.length) {
        const w = new Int32Array(Math.max(end, e.words.length) * 2);
        w.set(e.words.subarray(0, from));
        e.words = w;
        end = stored.encodeInto(next, e.words, from + HEADER);
      }
      e.w = end;
      if (settled && (childSleep === 0 || canon.lastTies > 1)) settled.add(key);
      I[it + I_AT] = from;
      I[it + I_LEN] = end - from;
    }
    e.meta[r + R_SLEPT] = slept;
    e.meta[r + R_PRECUT] = preCut;
    e.meta[r + R_NITEMS] = items;
  }

  /** Room for n more numbers in e.meta; returns where they start. */
  private meta(e: Expansion, n: number): number {
    if (e.m + n > e.meta.length) {
      const b = new Float64Array(Math.max(e.m + n, e.meta.length * 2));
      b.set(e.meta.subarray(0, e.m));
      e.meta = b;
    }
    const at = e.m;
    e.m += n;
    return at;
  }
}
