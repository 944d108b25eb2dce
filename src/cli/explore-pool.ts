/**
 * @module cli/explore-pool: `explore --workers N` (issue 15 §5) — the breadth-first search with
 * its records expanded in worker threads. The search itself (explore/explorer.ts `search`) runs
 * here: the visited set, sleep sets, preemption counts, paths and the frontier; each worker holds
 * an Expander (explore/expand.ts) of the same configuration and turns a batch of records into
 * their expansion: γ, enabled choices, each transition stepped and checked, keys, successors'
 * records. Expansions are committed in the order the batches were handed out, whichever worker
 * finishes first, so states, transitions, verdicts, counterexamples and every output byte are
 * those of one worker.
 *
 * A worker is the CLI bundle itself (bin/lazyswitch.mjs names it in LAZYSWITCH_BUNDLE), started
 * with workerData { lazyswitchWorker: 'explore', spec, expand } so that cli/main.ts serves
 * batches instead of parsing a command line (startExploreWorker); it resolves the spec by name
 * as the main thread did, and keeps the keys the search has settled (explore/settled-keys.ts, sent
 * with each batch) so as not to encode successors the search would drop. Records cross threads as words (the stored states of explore/stored.ts),
 * so every thread must encode a state alike: true of rr's runqueues, which stored.ts keeps inline,
 * not of another scheduler's data, which it numbers in a table of its own per thread. So the
 * search runs in this thread alone (`workersFor` says why) with another scheduler, with a user's
 * design or architecture file (loaded through tsx in the main thread only), without the bundle
 * (tests importing the CLI, tsx's fallback), or with one worker.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Expander, SettledKeys, expandOptions, expandRequest, explore, initialState, newExpansion, resolveSpec, search, type ExpandOptions, type Expansion, type SearchContext, type ExploreOptions, type ExploreResult, type ExploreSetup, type ExploreSpec } from '../explore/index.ts';
import { renamableSchedData } from '../sim/index.ts';

/**
 * Records a batch; batches out at once per worker (a batch is tens of milliseconds of work: a
 * message's round trip and the copies are then a few per cent; 48 records cost 15% more CPU);
 * records expanded in this thread before the workers start.
 */
const BATCH = 1024;
const INFLIGHT_PER_WORKER = 3;
// (LAZYSWITCH_EXPLORE_INLINE_RECORDS overrides it: the tests start the workers on small searches.)
const INLINE_RECORDS = Number(process.env.LAZYSWITCH_EXPLORE_INLINE_RECORDS ?? 20_000);

type ToWorker = { id: number; words: Int32Array; at: Int32Array; count: number; settled: Float64Array };
type FromWorker = { id: number; e: Expansion } | { id: number; error: string };

/** The machine's cores: `explore`'s default. */
export function defaultExploreWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** How many workers a search of `setup` can use (1 and the reason when it must run in this thread). */
export function workersFor(setup: ExploreSetup, asked: number): { workers: number; why?: string } {
  if (asked <= 1) return { workers: 1 };
  if (!process.env.LAZYSWITCH_BUNDLE) return { workers: 1, why: 'the CLI runs from its sources (no bundle to start workers from)' };
  if (setup.spec.designFile !== undefined || setup.spec.archFile !== undefined) return { workers: 1, why: "a user's design or architecture file is loaded in the main thread only" };
  if (!renamableSchedData(initialState(setup))) return { workers: 1, why: `the ${setup.sched.name} scheduler's data is not kept inline in a stored state (only rr's runqueues are), so threads would number it apart` };
  return { workers: asked };
}

/**
 * Explore with `workers` worker threads (one: in this thread). Same result as explore() but for
 * seconds and statesPerSecond. The first INLINE_RECORDS records are expanded here (a small
 * search — a test, a mutant's counterexample — never pays for starting threads); the workers
 * start when the search grows past them.
 */
export async function exploreWithWorkers(setup: ExploreSetup, o: ExploreOptions, workers: number): Promise<ExploreResult> {
  const n = workersFor(setup, workers).workers;
  if (n <= 1) return explore(setup, o);
  const bundle = process.env.LAZYSWITCH_BUNDLE!;
  const expand = expandOptions(o);
  // The expander of this thread. rr only (workersFor): every thread's stored states encode a
  // state alike, so this one's records are the workers' too.
  const x = new Expander(setup, expand);
  // The keys the search settles, passed on to each worker with its next batch (the worker's
  // SettledKeys then spares it encoding successors the search would drop): a log, and how far
  // each worker has had it.
  let settledLog: number[] = [];
  const had = new Array<number>(n).fill(0);
  let pool: Worker[] | null = null;
  const ctx: SearchContext = {
    st0: x.st0,
    canon: x.canon,
    stored: x.stored,
    // The search's `known` serves this thread's expander.
    get known() {
      return x.known;
    },
    set known(f) {
      x.known = f;
    },
    onSettled: (key: number) => {
      if (pool) settledLog.push(key);
    },
  };
  // Answers by batch id; the search waits for the oldest outstanding one.
  const answers = new Map<number, Expansion>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const start = (): Worker[] => {
    const ws = Array.from({ length: n }, () => new Worker(bundle, { workerData: { lazyswitchWorker: 'explore', spec: setup.spec, expand } satisfies ExploreWorkerData }));
    for (const w of ws) {
      w.on('message', (m: FromWorker) => {
        if ('error' in m) failure ??= new Error(`explore: a worker failed: ${m.error}`);
        else answers.set(m.id, m.e);
        poke();
      });
      w.on('error', (e) => {
        failure ??= e;
        poke();
      });
      w.on('exit', (code) => {
        if (code !== 0) failure ??= new Error(`explore: a worker exited with code ${code}`);
        poke();
      });
    }
    return ws;
  };
  const g = search(setup, o, ctx, { batch: BATCH, inflight: INFLIGHT_PER_WORKER * n });
  let posted = 0;
  let waited = 0;
  let records = 0;
  try {
    let r = g.next();
    while (!r.done) {
      const q = r.value;
      if (q.op === 'expand') {
        const id = posted++;
        records += q.count;
        if (!pool && records <= INLINE_RECORDS) {
          answers.set(id, expandRequest(x, q, newExpansion()));
          r = g.next();
          continue;
        }
        pool ??= start();
        // Round robin: batches take about the same time, and the search waits in order anyway.
        // Copies (the search refills its buffers once it has had their answers).
        const w = id % n;
        const settled = Float64Array.from(settledLog.slice(had[w]));
        had[w] = settledLog.length;
        pool[w].postMessage({ id, words: q.words.slice(0, q.n), at: q.at.slice(0, q.count), count: q.count, settled } satisfies ToWorker, [settled.buffer]);
        const low = Math.min(...had);
        if (low > 1 << 16) {
          settledLog = settledLog.slice(low);
          for (let i = 0; i < n; i++) had[i] -= low;
        }
        r = g.next();
        continue;
      }
      const id = waited++;
      while (!answers.has(id)) {
        if (failure) throw failure;
        await new Promise<void>((done) => (wake = done));
      }
      const e = answers.get(id)!;
      answers.delete(id);
      r = g.next(e);
    }
    if (failure) throw failure;
    return r.value;
  } finally {
    if (pool) await Promise.all(pool.map((w) => w.terminate()));
  }
}

interface ExploreWorkerData {
  lazyswitchWorker: 'explore';
  spec: ExploreSpec;
  expand: ExpandOptions;
}

/** The worker's side (cli/main.ts calls it in a thread started by exploreWithWorkers): expand batches, send back their expansions. */
export function startExploreWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('startExploreWorker outside a worker thread');
  const d = workerData as ExploreWorkerData;
  const x = new Expander(resolveSpec(d.spec), d.expand);
  const settled = new SettledKeys();
  x.settled = settled;
  const e = newExpansion();
  port.on('message', (q: ToWorker) => {
    try {
      settled.addAll(q.settled);
      expandRequest(x, q, e);
      const out: Expansion = { meta: e.meta.slice(0, e.m), m: e.m, words: e.words.slice(0, e.w), w: e.w, whole: e.whole, texts: e.texts };
      port.postMessage({ id: q.id, e: out } satisfies FromWorker, [out.meta.buffer as ArrayBuffer, out.words.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: q.id, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) } satisfies FromWorker);
    }
  });
}
