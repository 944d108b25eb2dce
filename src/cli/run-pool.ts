/**
 * @module cli/run-pool: `run`'s cells (one design on one architecture) on several cores
 * (issue 15 §5). Each cell is independent — runOne is a function of its options and seed — so
 * cells run in worker threads, as many as `workers`, and their results are put back in cell
 * order: the output is the same bytes whatever the number of workers.
 *
 * A worker is the CLI bundle itself (bin/lazyswitch.mjs names it in LAZYSWITCH_BUNDLE), started
 * with workerData { lazyswitchWorker: 'run' } so that cli/main.ts serves cells instead of
 * parsing a command line (startRunWorker). A cell travels as names, not objects — the
 * architecture's name or file, the design's name — and its result comes back by structured
 * clone (plain data: numbers, strings, arrays; Infinity and -0 intact). Without a bundle (the
 * tests import the CLI modules directly; tsx's fallback), or with a user's design file (loaded
 * through tsx in the main thread only), or with one worker, cells run here, one after another.
 */
import { Worker, parentPort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { getDesign, getScheduler, type ContractName, type SwitchDesign } from '../hv/index.ts';
import { runOne, type RunResult } from '../sim/index.ts';
import { TimelineRecorder, type Timeline } from '../report/index.ts';
import type { DomainSpec } from '../scenario/index.ts';
import type { Arch } from '../arch/index.ts';

/** One cell: everything runOne needs, by name. */
export interface CellSpec {
  /** --arch as given: a built-in name or an architecture file. */
  arch: string;
  tlbPages?: number;
  design: string;
  pcpus: number;
  domains: DomainSpec[];
  sched: string;
  seconds: number;
  seed: number;
  controlHz: number;
  contract: ContractName;
  check: boolean;
  watchdogSeconds: number;
  /** Record the timeline (--perfetto, --ftrace, --report). */
  trace: boolean;
}

export interface CellResult {
  result: RunResult;
  timeline?: Timeline;
}

/** Run one cell here, with its architecture and design resolved. */
export function runCell(c: CellSpec, arch: Arch, design: SwitchDesign, onProgress?: (fraction: number) => void): CellResult {
  const tracer = c.trace ? new TimelineRecorder() : null;
  let timeline: Timeline | undefined;
  const result = runOne({
    tracer,
    onDone: (st) => {
      if (tracer) timeline = tracer.finish(st);
    },
    arch,
    design,
    sched: getScheduler(c.sched),
    pcpus: c.pcpus,
    domains: c.domains,
    seconds: c.seconds,
    seed: c.seed,
    controlHz: c.controlHz,
    contract: c.contract,
    checker: c.check,
    watchdogSeconds: c.watchdogSeconds,
    onProgress,
  });
  return timeline ? { result, timeline } : { result };
}

/** How many workers `run` uses by default: the machine's cores, no more than there are cells. */
export function defaultWorkers(cells: number): number {
  return Math.max(1, Math.min(availableParallelism(), cells));
}

type ToWorker = { index: number; cell: CellSpec };
type FromWorker = { index: number; progress: number } | { index: number; done: CellResult } | { index: number; error: string };

/**
 * Run the cells, `workers` at a time, and return their results in cell order. `resolve` gives a
 * cell's architecture and design in this thread (for cells run here); `local`: run every cell
 * here; `onProgress(cell, fraction)` reports each cell's progress. A cell that throws in a worker
 * rejects the whole.
 */
export async function runCells(
  cells: CellSpec[],
  workers: number,
  resolve: (c: CellSpec, index: number) => { arch: Arch; design: SwitchDesign },
  local: boolean,
  onProgress: (cell: number, fraction: number) => void,
): Promise<CellResult[]> {
  const bundle = process.env.LAZYSWITCH_BUNDLE;
  const n = Math.min(workers, cells.length);
  if (local || n <= 1 || !bundle) {
    return cells.map((c, i) => {
      const { arch, design } = resolve(c, i);
      return runCell(c, arch, design, (f) => onProgress(i, f));
    });
  }
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  const pool = Array.from({ length: n }, () => new Worker(bundle, { workerData: { lazyswitchWorker: 'run' } }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((done, fail) => {
            const feed = () => {
              if (next === cells.length) return done();
              const index = next++;
              w.postMessage({ index, cell: cells[index] } satisfies ToWorker);
            };
            w.on('message', (m: FromWorker) => {
              if ('progress' in m) onProgress(m.index, m.progress);
              else if ('error' in m) fail(new Error(`run: ${cells[m.index].design} on ${cells[m.index].arch} failed in a worker: ${m.error}`));
              else {
                results[m.index] = m.done;
                onProgress(m.index, 1);
                feed();
              }
            });
            w.on('error', fail);
            w.on('exit', (code) => {
              if (code !== 0) fail(new Error(`run: a worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

/**
 * The worker's side (cli/main.ts calls it in a thread started by runCells): take cells, run
 * them, send back progress and results. `resolveArch` is cli/args' (an architecture by name or
 * file, checked as the main thread already checked it).
 */
export function startRunWorker(resolveArch: (a: string) => Arch, withTlbPages: (a: Arch, pages: number) => Arch): void {
  const port = parentPort;
  if (!port) throw new Error('startRunWorker outside a worker thread');
  port.on('message', ({ index, cell }: ToWorker) => {
    try {
      const a = resolveArch(cell.arch);
      const arch = cell.tlbPages === undefined ? a : withTlbPages(a, cell.tlbPages);
      let last = -1;
      const done = runCell(cell, arch, getDesign(cell.design), (f) => {
        // A message per percent, not per progress call.
        const pc = Math.floor(f * 100);
        if (pc !== last) {
          last = pc;
          port.postMessage({ index, progress: f } satisfies FromWorker);
        }
      });
      port.postMessage({ index, done } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ index, error: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });
}
