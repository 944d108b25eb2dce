/**
 * @module explore/liveness: non-progress cycles (issue 16), SPIN's `-l` under fairness, on the
 * graph an unreduced, unbounded exploration recorded. A non-progress cycle for pcpu p is a
 * reachable cycle along which p stays in one wait phase (sync-wait, ctl-wait, ctl-sync) — it
 * serves IPIs, but never takes the hypervisor step that ends the wait — while every other event
 * is treated fairly.
 *
 * Fairness is weak fairness per event, not per pcpu: a pcpu's hypervisor step, its pending IPI,
 * its timer, and each vcpu's I/O completion. Each one continuously enabled along the cycle must
 * occur on it (hardware takes a pending interrupt with IRQs on; a timer fires). Per-pcpu fairness
 * would be too weak: a pcpu could be "served" by guest steps forever while an IPI waits. Guest
 * steps carry no constraint: a guest may run as long as its timer lets it.
 *
 * On a strongly connected component of the states where p waits in phase W (edges by p's own
 * hypervisor step removed: that step ends or restarts the wait), a fair cycle exists iff every
 * event either occurs on an edge inside the component or is disabled in one of its states —
 * then the cycle through all its states and edges is fair. Sound only without sleep sets and
 * symmetry (they drop edges, and a renamed pcpu is another p): the explorer records the graph
 * only with `reduction: false` and no depth or preemption bound.
 */
import { PHASE, type HvState } from '../hv/index.ts';
import type { Choice } from '../sim/index.ts';

const WAITS = [PHASE.SYNC_WAIT, PHASE.CTL_WAIT, PHASE.CTL_SYNC] as const;

/** The fairness event a choice is (run p, ipi p, timer p, wake v), or -1 for a guest step. */
export function eventOf(c: Choice, P: number): number {
  switch (c.k) {
    case 'run':
      return c.p;
    case 'ipi':
      return P + c.p;
    case 'timer':
      return 2 * P + c.p;
    case 'wake':
      return 3 * P + c.v;
    default:
      return -1;
  }
}

function grow<T extends Int32Array | Int8Array | Uint32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export interface NonProgressCycle {
  pcpu: number;
  phase: number;
  /** A state of the cycle, and the number of states of its component. */
  node: number;
  size: number;
}

/** The explored graph: per state its pcpus' phases and enabled events; per transition its event. */
export class LivenessGraph {
  readonly P: number;
  readonly words: number;
  nodes = 0;
  edges = 0;
  private phase = new Int8Array(1024);
  private enabled = new Uint32Array(1024);
  private from = new Int32Array(4096);
  private to = new Int32Array(4096);
  private ev = new Int32Array(4096);
  /** Per state: the explorer's id of the path that first reached it (its parent chain). */
  path = new Int32Array(1024);

  constructor(P: number, V: number) {
    this.P = P;
    this.words = Math.ceil((3 * P + V) / 32);
  }

  /** A new state; returns its index. */
  addNode(st: HvState, pathId: number): number {
    return this.addPhases(st.pcpus.map((pc) => pc.phase), pathId);
  }

  /** A new state given its pcpus' phases (what addNode records; tests build graphs with it). */
  addPhases(phases: readonly number[], pathId: number): number {
    const n = this.nodes++;
    const P = this.P;
    this.phase = grow(this.phase, (n + 1) * P);
    this.enabled = grow(this.enabled, (n + 1) * this.words);
    this.path = grow(this.path, n + 1);
    for (let p = 0; p < P; p++) this.phase[n * P + p] = phases[p];
    this.path[n] = pathId;
    return n;
  }

  /** The events enabled in state n (its choices when it was expanded). */
  setEnabled(n: number, choices: readonly Choice[]): void {
    for (const c of choices) {
      const e = eventOf(c, this.P);
      if (e >= 0) this.enabled[n * this.words + (e >>> 5)] |= 1 << (e & 31);
    }
  }

  addEdge(u: number, v: number, c: Choice): void {
    const k = this.edges++;
    this.from = grow(this.from, k + 1);
    this.to = grow(this.to, k + 1);
    this.ev = grow(this.ev, k + 1);
    this.from[k] = u;
    this.to[k] = v;
    this.ev[k] = eventOf(c, this.P);
  }

  /** The first fair non-progress cycle, by pcpu then wait phase then component; null if none. */
  findNonProgress(): NonProgressCycle | null {
    const N = this.nodes;
    const E = this.edges;
    const P = this.P;
    const W = this.words;
    // Adjacency in CSR form.
    const start = new Int32Array(N + 1);
    for (let k = 0; k < E; k++) start[this.from[k] + 1]++;
    for (let n = 0; n < N; n++) start[n + 1] += start[n];
    const adj = new Int32Array(E);
    const fill = start.slice(0, N);
    for (let k = 0; k < E; k++) adj[fill[this.from[k]]++] = k;

    const index = new Int32Array(N);
    const low = new Int32Array(N);
    const onStack = new Uint8Array(N);
    const stack = new Int32Array(N);
    const work = new Int32Array(N);
    const edgeAt = new Int32Array(N);
    for (let p = 0; p < P; p++) {
      for (const w of WAITS) {
        const inSub = (n: number) => this.phase[n * P + p] === w;
        const inside = (k: number) => this.ev[k] !== p && inSub(this.to[k]);
        index.fill(0);
        onStack.fill(0);
        let counter = 0;
        let sp = 0;
        for (let root = 0; root < N; root++) {
          if (!inSub(root) || index[root]) continue;
          // Iterative Tarjan over the states where p waits in w.
          let wp = 0;
          work[wp++] = root;
          index[root] = low[root] = ++counter;
          stack[sp++] = root;
          onStack[root] = 1;
          edgeAt[root] = start[root];
          while (wp) {
            const u = work[wp - 1];
            if (edgeAt[u] < start[u + 1]) {
              const k = adj[edgeAt[u]++];
              if (!inside(k)) continue;
              const v = this.to[k];
              if (!index[v]) {
                index[v] = low[v] = ++counter;
                stack[sp++] = v;
                onStack[v] = 1;
                edgeAt[v] = start[v];
                work[wp++] = v;
              } else if (onStack[v] && index[v] < low[u]) low[u] = index[v];
              continue;
            }
            wp--;
            if (wp && low[u] < low[work[wp - 1]]) low[work[wp - 1]] = low[u];
            if (low[u] !== index[u]) continue;
            // u roots a component: pop it, and judge it.
            const first = sp;
            while (stack[--sp] !== u) onStack[stack[sp]] = 0;
            onStack[u] = 0;
            const comp = stack.subarray(sp, first);
            const found = this.fairCycle(comp, onStack, start, adj, inside, W);
            if (found) return { pcpu: p, phase: w, node: u, size: comp.length };
          }
        }
      }
    }
    return null;
  }

  /** Whether component `comp` (its states) holds a fair cycle: some inside edge, and every event occurring inside or disabled somewhere in it. */
  private fairCycle(comp: Int32Array, mark: Uint8Array, start: Int32Array, adj: Int32Array, inside: (k: number) => boolean, W: number): boolean {
    for (const n of comp) mark[n] = 2;
    const taken = new Uint32Array(W);
    const disabled = new Uint32Array(W);
    let internal = 0;
    for (const n of comp) {
      for (let i = 0; i < W; i++) disabled[i] |= ~this.enabled[n * W + i];
      for (let j = start[n]; j < start[n + 1]; j++) {
        const k = adj[j];
        if (!inside(k) || mark[this.to[k]] !== 2) continue;
        internal++;
        const e = this.ev[k];
        if (e >= 0) taken[e >>> 5] |= 1 << (e & 31);
      }
    }
    for (const n of comp) mark[n] = 0;
    if (!internal) return false;
    for (let i = 0; i < W; i++) if ((taken[i] | disabled[i]) >>> 0 !== 0xffffffff) return false;
    return true;
  }
}
