/**
 * @module bench/main: `npm run bench` — measured speed, never asserted. Prints simulated context
 * switches per wall-clock second and per CPU-second of this process (process.cpuUsage, user +
 * system: steadier than wall time on a shared machine) on the default scenario (x86-64 and
 * ppc64, 4 pcpus, cpu*2,fp*2,io*2, credit, every design `npm start` runs — those not kept broken
 * on purpose), with the checker on and off. LAZYSWITCH_BENCH_SECONDS (default 4) scales the runs.
 *
 * `--json` prints one object (later benchmarks add keys; none is removed):
 * - "switchesPerSecond": { "checkerOn", "checkerOff" (per wall second), "cpuSeconds" (checker on,
 *   per CPU-second), "cpuSecondsCheckerOff" }; "stepsPerSecond": the same for simulator steps.
 * - "limit" (issue 15): the copy limit, the same architectures' register state saved and
 *   restored with plain `TypedArray.set` — per switch, the pcpu register file (values and owner
 *   tags: RegStore's `val` Uint32Array and `own` Int16Array, every register) into one save area
 *   and another save area back into it: { "switchesPerCpuSecond" (for the same mix of switches
 *   as the checked runs: their switches / the CPU time the copies alone take for them),
 *   "perArch": { "<arch>": { "nregs", "switchesPerCpuSecond", "checkedSwitchesPerCpuSecond",
 *   "ratioToLimit" } } }; "ratioToLimit": limit / checked switches per CPU-second.
 * - "scaling" (issue 15): cost per step as pcpus and vcpus grow — xen-x86-lazy on x86-64, credit,
 *   checker on, the same number of steps each (25,000 × LAZYSWITCH_BENCH_SECONDS, at least
 *   40,000): [ { "pcpus", "vcpus", "steps", "switches", "cpuSeconds", "stepsPerCpuSecond",
 *   "usPerStep" } ] for 2, 8 and 32 pcpus with 1.5 vcpus a pcpu (cpu, fp and io guests), and
 *   8 pcpus with 48 vcpus (vcpus alone grow).
 *
 * Trace replay (issue 8): the two real traces of ../shared/data/traces, lines already in memory
 * (parsing, not the disk, is measured). "replay": { "eventsPerSecond": records (switches and
 * wakeups) per second through the streaming TraceParser alone, "replayEventsPerSecond": the same
 * records through parse + planReplay + one replay (xen-x86-lazy on x86-64, checker on), "large"
 * (issue 21): a large real trace, Fuchsia's 46,691 switches on 4 cpus, planned and replayed
 * (xen-x86-lazy, x86-64, checker on): { "trace", "cpus", "tasks", "records", "switchesReplayed"
 * (per run), "runs", "violations" (all runs), "cpuSeconds", "switchesPerCpuSecond" } }.
 *
 * Explorer (issues 7, 15): "explore": { "statesPerSecond", "statesPerCpuSecond", "cpuSeconds",
 * "reductionRatio", "states", "transitions", "unreducedStates", "unreducedTransitions",
 * "unreducedStatesPerSecond", "unreducedStatesPerCpuSecond" (xen-x86-lazy on explore's
 * SMALL_SPEC, to completion, in this process), "defaultConfig": { "statesPerSecond",
 * "statesPerCpuSecond", "states", "transitions", "seconds", "cpuSeconds" } (DEFAULT_SPEC, to
 * completion — about 68,000 states — in a child process: bench/explore-child.ts),
 * "bytesPerState" (that child's peak RSS / its states), "memory": { "config", "states",
 * "peakRssBytes", "baseRssBytes" (RSS before the search), "extraBytesPerState" ((peak − base)
 * / states) }, "large": { "config", "states", "transitions", "complete", "cpuSeconds",
 * "statesPerCpuSecond", "peakRssBytes", "baseRssBytes", "bytesPerState" (peak RSS / states),
 * "extraBytesPerState", "frontierPeak" (states queued at most), "frontierBytes" (the queue's
 * storage at its largest), "tableBytes" (the visited set) } (HOTPLUG3_SPEC, the first 10^6
 * states, in a child process: where a fixed ~60 MB of Node no longer hides the bytes a state costs),
 * "workers" (the worker threads of the "defaultConfig" run: 1), "parallel" (the same search with
 * the machine's cores expanding states, explore --workers, when it has more than one and the CLI
 * bundle is built): { "config", "workers", "states", "transitions", "seconds" (wall),
 * "cpuSeconds" (every thread's), "statesPerSecond" (wall), "statesPerCpuSecond", "speedup"
 * (defaultConfig's wall seconds / these), "peakRssBytes" }, "spin" (when `spin` and `gcc` are on PATH):
 * { "model", "nv", "mod", "states", "matched", "transitions", "errors", "depth",
 * "stateVectorBytes", "elapsedSeconds" and "panStatesPerSecond" (pan's own, wall),
 * "cpuSeconds", "userSeconds", "systemSeconds" (pan's, from /usr/bin/time or the shell's
 * `times`), "statesPerCpuSecond", "memoryMB" (pan's "total actual memory usage"),
 * "peakRssBytes" (with /usr/bin/time), "hashConflicts" (resolved: COLLAPSE stores states
 * exactly), "hashFactor" / "collisionProbability" when pan prints them (bitstate or
 * hash-compact builds) }, "ratioToSpin": explore.statesPerCpuSecond / spin.statesPerCpuSecond }.
 * Without spin or gcc, "spin" and "ratioToSpin" are absent and the text output says why;
 * LAZYSWITCH_BENCH_SPIN=0 skips SPIN too.
 */
import { getArch } from '../src/arch/index.ts';
import { DESIGNS, FPU_DESIGNS, getScheduler } from '../src/hv/index.ts';
import { runOne } from '../src/sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../src/scenario/index.ts';
import { renderTable } from '../src/report/index.ts';
import { newPcpu, newRegStore, type RegStore } from '../src/machine/index.ts';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ChromeJsonParser, TraceParser, type TraceRecord } from '../src/trace/index.ts';
import { gunzipSync } from 'node:zlib';
import { planReplay, replayPlan } from '../src/sim/index.ts';
import { getDesign } from '../src/hv/index.ts';

const json = process.argv.includes('--json');
const seconds = Number(process.env.LAZYSWITCH_BENCH_SECONDS ?? 4);
const ARCHS = ['x86-64', 'ppc64'];

/** CPU seconds (user + system) of this process since `from` (a process.cpuUsage() value). */
function cpuSince(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
}

interface Measured {
  switches: number;
  wall: number;
  cpu: number;
  steps: number;
  perArch: Record<string, { switches: number; cpu: number }>;
}

function measure(checker: boolean): Measured {
  const m: Measured = { switches: 0, wall: 0, cpu: 0, steps: 0, perArch: {} };
  for (const arch of ARCHS) {
    const a = (m.perArch[arch] = { switches: 0, cpu: 0 });
    for (const design of DESIGNS) {
      if (design.broken || FPU_DESIGNS.includes(design) || design.supports(getArch(arch)) !== true) continue;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = runOne({ arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds, seed: 1, checker });
      const cpu = cpuSince(c0);
      m.wall += (performance.now() - t0) / 1000;
      m.cpu += cpu;
      m.switches += r.metrics.switches;
      m.steps += r.metrics.steps;
      a.switches += r.metrics.switches;
      a.cpu += cpu;
    }
  }
  return m;
}

measure(true); // warm up the JIT
const on = measure(true);
const off = measure(false);

/**
 * The copy limit on one architecture: switches per CPU-second when a switch is nothing but
 * saving the pcpu register file (values and owner tags, as RegStore holds them) into the
 * outgoing vcpu's save area and restoring the incoming one's — four TypedArray.set calls —
 * round-robin over the default scenario's 6 vcpus. Repeated for at least `minCpu` CPU-seconds.
 */
let sink = 0;
function copyLimit(arch: string, minCpu: number): { nregs: number; switches: number; cpu: number } {
  const nregs = getArch(arch).nregs;
  const regs = newPcpu(0, nregs).regs;
  const save: RegStore[] = Array.from({ length: 6 }, (_, v) => {
    const s = newRegStore(nregs, v % 3);
    for (let r = 0; r < nregs; r++) s.val[r] = v * 1000 + r;
    return s;
  });
  let switches = 0;
  let prev = 0;
  const c0 = process.cpuUsage();
  let cpu = 0;
  while (cpu < minCpu) {
    for (let i = 0; i < 100_000; i++) {
      const next = prev === 5 ? 0 : prev + 1;
      const out = save[prev];
      const inn = save[next];
      out.val.set(regs.val);
      out.own.set(regs.own);
      regs.val.set(inn.val);
      regs.own.set(inn.own);
      prev = next;
    }
    switches += 100_000;
    cpu = cpuSince(c0);
  }
  sink += regs.val[nregs - 1] + regs.own[0]; // read the result: no copy is dead
  return { nregs, switches, cpu };
}

const limitMinCpu = Math.min(2, Math.max(0.3, seconds / 8));
for (const arch of ARCHS) copyLimit(arch, 0.05); // warm up
const limitArch = Object.fromEntries(ARCHS.map((a) => [a, copyLimit(a, limitMinCpu)]));
const limitPerArch = Object.fromEntries(
  ARCHS.map((a) => {
    const l = limitArch[a];
    const rate = l.switches / l.cpu;
    const checked = on.perArch[a].switches / on.perArch[a].cpu;
    return [a, { nregs: l.nregs, switchesPerCpuSecond: Math.round(rate), checkedSwitchesPerCpuSecond: Math.round(checked), ratioToLimit: Math.round(rate / checked) }];
  }),
);
// The checked runs' switches, copied at each architecture's limit rate: the same mix.
const limitRate = on.switches / ARCHS.reduce((t, a) => t + on.perArch[a].switches / (limitArch[a].switches / limitArch[a].cpu), 0);

/**
 * Cost per step as the machine grows: xen-x86-lazy on x86-64, credit, checker on, `steps` steps
 * each (the simulated time is long enough never to end a run first).
 */
const SCALING: { pcpus: number; domains: string }[] = [
  { pcpus: 2, domains: 'cpu*1,fp*1,io*1' },
  { pcpus: 8, domains: 'cpu*4,fp*4,io*4' },
  { pcpus: 32, domains: 'cpu*16,fp*16,io*16' },
  { pcpus: 8, domains: 'cpu*16,fp*16,io*16' },
];
function scaleRow(pcpus: number, domains: string, steps: number) {
  const ds = parseDomains(domains);
  const c0 = process.cpuUsage();
  const r = runOne({ arch: getArch('x86-64'), design: getDesign('xen-x86-lazy'), sched: getScheduler('credit'), pcpus, domains: ds, seconds: 1000, seed: 1, checker: true, maxSteps: steps });
  const cpu = cpuSince(c0);
  return {
    pcpus,
    vcpus: ds.reduce((t, d) => t + d.vcpus, 0),
    steps: r.metrics.steps,
    switches: r.metrics.switches,
    cpuSeconds: Number(cpu.toFixed(3)),
    stepsPerCpuSecond: Math.round(r.metrics.steps / cpu),
    usPerStep: Number(((cpu * 1e6) / r.metrics.steps).toFixed(2)),
  };
}
// Enough steps that building the machine (a few thousand steps' worth at 32 pcpus) is amortised.
const scaleSteps = Math.max(40_000, Math.round(25_000 * seconds));
for (const s of SCALING) scaleRow(s.pcpus, s.domains, 5_000); // warm up every shape
const scaling = SCALING.map((s) => scaleRow(s.pcpus, s.domains, scaleSteps));
if (sink === 0.5) process.stdout.write(''); // keeps `sink` live

// import.meta.dirname: bench/run.mjs defines it as this directory in the bundle it runs.
const TRACES = ['juno_idle_shell_6cpu_tracecmd_raw.txt', 'android_launcher_2cpu_systrace.txt'].map((f) => join(import.meta.dirname, '../../shared/data/traces', f));

function parse(lines: string[], keep: TraceRecord[] | null): number {
  const p = new TraceParser('auto', { onRecord: keep ? (r) => keep.push(r) : undefined });
  for (let i = 0; i < lines.length; i++) p.push(lines[i]);
  return p.end().records;
}

/** Records per wall second: parsing alone, and parse + plan + replay; each repeated for at least `minWall` seconds. */
function measureReplay(minWall: number): { events: number; parseWall: number; replayEvents: number; replayWall: number } | null {
  if (!TRACES.every((u) => existsSync(u))) return null;
  const texts = TRACES.map((u) => readFileSync(u, 'utf8').split('\n'));
  const arch = getArch('x86-64');
  const design = getDesign('xen-x86-lazy');
  let events = 0;
  let parseWall = 0;
  while (parseWall < minWall) {
    for (const lines of texts) {
      const t0 = performance.now();
      events += parse(lines, null);
      parseWall += (performance.now() - t0) / 1000;
    }
  }
  let replayEvents = 0;
  let replayWall = 0;
  while (replayWall < minWall) {
    for (const lines of texts) {
      const t0 = performance.now();
      const records: TraceRecord[] = [];
      const p = new TraceParser('auto', { onRecord: (r) => records.push(r) });
      for (let i = 0; i < lines.length; i++) p.push(lines[i]);
      const diag = p.end();
      replayPlan(planReplay(records, diag), { arch, design });
      replayWall += (performance.now() - t0) / 1000;
      replayEvents += diag.records;
    }
  }
  return { events, parseWall, replayEvents, replayWall };
}

measureReplay(0.2); // warm up
const rp = measureReplay(Math.min(2, Math.max(0.5, seconds / 2)));

/**
 * A large real trace (issue 21): Fuchsia's 46,691 context switches on 4 cpus
 * (../shared/data/traces/fuchsia_4cpu_ctxsw.json.gz), gunzipped and parsed once outside the
 * measurement; then planReplay + replayPlan with xen-x86-lazy on x86-64, checker on, repeated
 * for at least `minCpu` CPU-seconds: switches replayed per CPU-second of this process.
 */
const LARGE_TRACE = join(import.meta.dirname, '../../shared/data/traces/fuchsia_4cpu_ctxsw.json.gz');
function measureLargeReplay(minCpu: number) {
  if (!existsSync(LARGE_TRACE)) return null;
  const records: TraceRecord[] = [];
  const parser = new ChromeJsonParser({ onRecord: (r) => records.push(r) });
  parser.push(gunzipSync(readFileSync(LARGE_TRACE)).toString('utf8'));
  const diag = parser.end();
  const arch = getArch('x86-64');
  const design = getDesign('xen-x86-lazy');
  let switches = 0;
  let runs = 0;
  let violations = 0;
  let plan = planReplay(records, diag);
  const c0 = process.cpuUsage();
  let cpu = 0;
  while (cpu < minCpu || runs === 0) {
    plan = planReplay(records, diag);
    const r = replayPlan(plan, { arch, design });
    switches += r.replay.switchesReplayed;
    violations += r.violationCount;
    runs++;
    cpu = cpuSince(c0);
  }
  return {
    trace: 'fuchsia_4cpu_ctxsw.json.gz',
    cpus: plan.pcpus,
    tasks: plan.tasks.length,
    records: diag.records,
    switchesReplayed: switches / runs,
    runs,
    violations,
    cpuSeconds: Number(cpu.toFixed(3)),
    switchesPerCpuSecond: Math.round(switches / cpu),
  };
}
measureLargeReplay(0.1); // warm up
const largeReplay = measureLargeReplay(Math.min(3, Math.max(0.5, seconds / 2)));

/** Where an executable named `name` is on PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

interface ChildExplore {
  spec: string;
  states: number;
  transitions: number;
  complete: boolean;
  seconds: number;
  cpuSeconds: number;
  baseRssBytes: number;
  peakRssBytes: number;
  workers: number;
  frontierPeak: number;
  frontierBytes: number;
  tableBytes: number;
}

/**
 * The CLI bundle (bin/lazyswitch.mjs builds it on its first start): explore's worker threads run
 * it (cli/explore-pool.ts). Null without esbuild: the parallel search is then not measured.
 */
const cliBundle = ((): string | null => {
  spawnSync(process.execPath, [join(import.meta.dirname, '../bin/lazyswitch.mjs'), 'list'], { encoding: 'utf8' });
  const f = join(import.meta.dirname, '../node_modules/.cache/lazyswitch-cli/main.mjs');
  return existsSync(f) ? f : null;
})();

/** One explore run in a child process (bench/explore-child.ts): its peak RSS is its own. */
function exploreChild(spec: 'small' | 'default' | 'hotplug3', maxStates: number, workers = 1): ChildExplore {
  const bundled = process.env.LAZYSWITCH_BENCH_CHILD;
  const args = bundled && existsSync(bundled) ? [bundled] : ['--import', 'tsx', join(import.meta.dirname, 'explore-child.ts')];
  const env = cliBundle ? { ...process.env, LAZYSWITCH_BUNDLE: cliBundle } : process.env;
  const r = spawnSync(process.execPath, [...args, spec, String(maxStates), String(workers)], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (r.status !== 0) throw new Error(`bench: the explorer's child process failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ChildExplore;
}

const SPIN_MODEL = join(import.meta.dirname, '../../shared/reference/spin/xen_lazy.pml');
const SPIN_NV = 2;
const SPIN_MOD = 2;
// The model's header: spin -DNV=2 -DMOD=2 -a xen_lazy.pml && gcc -O2 -DSAFETY -DNOCLAIM
// -DCOLLAPSE -DMEMLIM=8000 -DVECTORSZ=256 -o pan pan.c && ./pan -m20000000 -w26
const SPIN_CC = ['-O2', '-DSAFETY', '-DNOCLAIM', '-DCOLLAPSE', '-DMEMLIM=8000', '-DVECTORSZ=256', '-w', '-o', 'pan', 'pan.c'];
const PAN_ARGS = ['-m20000000', '-w26'];

interface SpinResult {
  model: string;
  nv: number;
  mod: number;
  states: number;
  matched: number;
  transitions: number;
  errors: number;
  depth: number;
  stateVectorBytes: number;
  elapsedSeconds: number;
  panStatesPerSecond: number;
  cpuSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  statesPerCpuSecond: number;
  memoryMB: number | null;
  peakRssBytes?: number;
  hashConflicts?: number;
  hashFactor?: number;
  collisionProbability?: number;
}

/** `0m1.234s` (the shell's `times`) → seconds. */
function shellTime(s: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/**
 * SPIN on the Promela model of the same protocol, compiled and run as its header says (NV=2,
 * MOD=2), in a temporary directory that is removed afterwards. pan's CPU time comes from
 * /usr/bin/time (user, system, max RSS) or, without it, from the shell's `times` after pan.
 * Returns the figures, or why SPIN was not measured.
 */
function measureSpin(): SpinResult | { skipped: string } {
  if (process.env.LAZYSWITCH_BENCH_SPIN === '0') return { skipped: 'LAZYSWITCH_BENCH_SPIN=0' };
  const spin = onPath('spin');
  const gcc = onPath('gcc');
  if (!spin || !gcc) return { skipped: `${[!spin && 'spin', !gcc && 'gcc'].filter(Boolean).join(' and ')} not on PATH (apt-get install spin gcc)` };
  if (!existsSync(SPIN_MODEL)) return { skipped: `${SPIN_MODEL} not found (../shared/reference/spin beside the repository)` };
  const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-spin-'));
  try {
    copyFileSync(SPIN_MODEL, join(dir, 'xen_lazy.pml'));
    const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
    const gen = run(spin, [`-DNV=${SPIN_NV}`, `-DMOD=${SPIN_MOD}`, '-a', 'xen_lazy.pml']);
    if (gen.status !== 0) return { skipped: `spin -a failed: ${(gen.stderr || gen.stdout).trim().split('\n').slice(-3).join(' ')}` };
    const cc = run(gcc, SPIN_CC);
    if (cc.status !== 0) return { skipped: `gcc pan.c failed: ${cc.stderr.trim().split('\n').slice(-3).join(' ')}` };
    const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
    const timesFile = join(dir, 'time.txt');
    const pan = time
      ? run(time, ['-f', '%U %S %M', '-o', timesFile, './pan', ...PAN_ARGS])
      : run('/bin/sh', ['-c', './pan "$@"; s=$?; times >&2; exit $s', 'sh', ...PAN_ARGS]);
    if (pan.status !== 0) return { skipped: `pan failed (${pan.status ?? pan.signal}): ${(pan.stdout + pan.stderr).trim().split('\n').slice(-3).join(' ')}` };
    let user: number;
    let system: number;
    let rss: number | undefined;
    if (time) {
      const [u, s, m] = readFileSync(timesFile, 'utf8').trim().split('\n').pop()!.trim().split(/\s+/).map(Number);
      [user, system, rss] = [u, s, m * 1024];
    } else {
      // `times`: the shell's user and system times, then its children's.
      const [u, s] = pan.stderr.trim().split('\n').pop()!.trim().split(/\s+/).map(shellTime);
      [user, system] = [u, s];
    }
    const out = pan.stdout;
    const num = (re: RegExp): number | undefined => {
      const m = re.exec(out);
      return m ? Number(m[1]) : undefined;
    };
    const states = num(/^\s*(\d+) states, stored/m);
    if (states === undefined || !(user + system > 0)) return { skipped: `could not read pan's output or its CPU time: ${out.trim().split('\n').slice(-3).join(' ')}` };
    const cpu = user + system;
    const elapsed = num(/pan: elapsed time ([\d.e+]+) seconds/) ?? NaN;
    const r: SpinResult = {
      model: '../shared/reference/spin/xen_lazy.pml',
      nv: SPIN_NV,
      mod: SPIN_MOD,
      states,
      matched: num(/^\s*(\d+) states, matched/m) ?? 0,
      transitions: num(/^\s*(\d+) transitions \(= stored\+matched\)/m) ?? 0,
      errors: num(/errors: (\d+)/) ?? NaN,
      depth: num(/depth reached (\d+)/) ?? NaN,
      stateVectorBytes: num(/State-vector (\d+) byte/) ?? NaN,
      elapsedSeconds: elapsed,
      panStatesPerSecond: Math.round(num(/pan: rate\s+([\d.e+]+) states\/second/) ?? states / elapsed),
      cpuSeconds: Number(cpu.toFixed(2)),
      userSeconds: user,
      systemSeconds: system,
      statesPerCpuSecond: Math.round(states / cpu),
      memoryMB: num(/^\s*([\d.]+)\s+total actual memory usage/m) ?? null,
    };
    if (rss !== undefined && Number.isFinite(rss)) r.peakRssBytes = rss;
    const conflicts = num(/hash conflicts:\s+(\d+)/);
    if (conflicts !== undefined) r.hashConflicts = conflicts;
    const factor = num(/hash factor:\s+([\d.e+]+)/);
    if (factor !== undefined) r.hashFactor = factor;
    const prob = num(/collision[^\n]*?probabilit[^\n]*?([\d.]+e[-+]?\d+|[\d.]+)/i) ?? num(/probabilit[^\n]*?collision[^\n]*?([\d.]+e[-+]?\d+|[\d.]+)/i);
    if (prob !== undefined) r.collisionProbability = prob;
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Explorer (issue 7): xen-x86-lazy on the configuration the tests exhaust (explore SMALL_SPEC:
// 2 pcpus, 2 vcpus), to completion, with reductions and without; ratio = states without / with.
// Its rate on the default configuration (explore DEFAULT_SPEC: int*2 pausing and reading each other),
// to completion, runs in a child process whose peak RSS gives the bytes per state (issue 15);
// so do the first 10^6 states of the 3-pcpu hotplug configuration (HOTPLUG3_SPEC), where the
// fixed memory of Node is a small part. SPIN last, on its own (pan holds 1.8 GB).
const { explore: run, resolveSpec, SMALL_SPEC, DEFAULT_SPEC, HOTPLUG3_SPEC } = await import('../src/explore/index.ts');
const DEFAULT_DESC = `${DEFAULT_SPEC.domains}, control operations ${(DEFAULT_SPEC.ctl ?? []).join(', ')}`;
const small = resolveSpec(SMALL_SPEC);
let c0 = process.cpuUsage();
const exOn = run(small, { now: () => performance.now() });
const exOnCpu = cpuSince(c0);
c0 = process.cpuUsage();
const exOff = run(small, { now: () => performance.now(), reduction: false });
const exOffCpu = cpuSince(c0);
const DEFAULT_STATES = 1_000_000; // more than it has: to completion
const def = exploreChild('default', DEFAULT_STATES);
// The same search with the machine's cores expanding states (explore --workers).
const PARALLEL_WORKERS = availableParallelism();
const par = cliBundle && PARALLEL_WORKERS > 1 ? exploreChild('default', DEFAULT_STATES, PARALLEL_WORKERS) : null;
const LARGE_STATES = 1_000_000;
const large = exploreChild('hotplug3', LARGE_STATES);
const LARGE_DESC = `HOTPLUG3_SPEC (xen-x86-lazy, x86-64, ${HOTPLUG3_SPEC.pcpus} pcpus, ${HOTPLUG3_SPEC.domains}, control operations ${(HOTPLUG3_SPEC.ctl ?? []).join(', ')}, guest ops ${(HOTPLUG3_SPEC.ops ?? []).join(', ')}), the first ${LARGE_STATES.toLocaleString('en-US')} states, in a child process`;
const spin = measureSpin();
const spinOk = 'states' in spin ? spin : null;

const exStatesPerCpu = Math.round(exOn.states / exOnCpu);
const result = {
  switchesPerSecond: {
    checkerOn: Math.round(on.switches / on.wall),
    checkerOff: Math.round(off.switches / off.wall),
    cpuSeconds: Math.round(on.switches / on.cpu),
    cpuSecondsCheckerOff: Math.round(off.switches / off.cpu),
  },
  stepsPerSecond: {
    checkerOn: Math.round(on.steps / on.wall),
    checkerOff: Math.round(off.steps / off.wall),
    cpuSeconds: Math.round(on.steps / on.cpu),
    cpuSecondsCheckerOff: Math.round(off.steps / off.cpu),
  },
  limit: { switchesPerCpuSecond: Math.round(limitRate), perArch: limitPerArch },
  ratioToLimit: Math.round(limitRate / (on.switches / on.cpu)),
  scaling,
  ...(rp ? { replay: { eventsPerSecond: Math.round(rp.events / rp.parseWall), replayEventsPerSecond: Math.round(rp.replayEvents / rp.replayWall), ...(largeReplay ? { large: largeReplay } : {}) } } : {}),
  explore: {
    statesPerSecond: exOn.statesPerSecond,
    statesPerCpuSecond: exStatesPerCpu,
    cpuSeconds: Number(exOnCpu.toFixed(2)),
    reductionRatio: Number((exOff.states / exOn.states).toFixed(3)),
    states: exOn.states,
    transitions: exOn.transitions,
    unreducedStates: exOff.states,
    unreducedTransitions: exOff.transitions,
    unreducedStatesPerSecond: exOff.statesPerSecond,
    unreducedStatesPerCpuSecond: Math.round(exOff.states / exOffCpu),
    defaultConfig: {
      statesPerSecond: Math.round(def.states / def.seconds),
      statesPerCpuSecond: Math.round(def.states / def.cpuSeconds),
      states: def.states,
      transitions: def.transitions,
      seconds: def.seconds,
      cpuSeconds: Number(def.cpuSeconds.toFixed(2)),
    },
    bytesPerState: Math.round(def.peakRssBytes / def.states),
    memory: {
      config: `DEFAULT_SPEC (xen-x86-lazy, x86-64, 2 pcpus, ${DEFAULT_DESC}), ${def.complete ? 'to completion' : `the first ${def.states} states`}, in a child process`,
      states: def.states,
      peakRssBytes: def.peakRssBytes,
      baseRssBytes: def.baseRssBytes,
      extraBytesPerState: Math.round((def.peakRssBytes - def.baseRssBytes) / def.states),
    },
    large: {
      config: LARGE_DESC,
      states: large.states,
      transitions: large.transitions,
      complete: large.complete,
      cpuSeconds: Number(large.cpuSeconds.toFixed(2)),
      statesPerCpuSecond: Math.round(large.states / large.cpuSeconds),
      peakRssBytes: large.peakRssBytes,
      baseRssBytes: large.baseRssBytes,
      bytesPerState: Math.round(large.peakRssBytes / large.states),
      extraBytesPerState: Math.round((large.peakRssBytes - large.baseRssBytes) / large.states),
      frontierPeak: large.frontierPeak,
      frontierBytes: large.frontierBytes,
      tableBytes: large.tableBytes,
    },
    workers: def.workers,
    ...(par
      ? {
          parallel: {
            config: 'DEFAULT_SPEC, to completion, in a child process',
            workers: par.workers,
            states: par.states,
            transitions: par.transitions,
            seconds: par.seconds,
            cpuSeconds: Number(par.cpuSeconds.toFixed(2)),
            statesPerSecond: Math.round(par.states / par.seconds),
            statesPerCpuSecond: Math.round(par.states / par.cpuSeconds),
            speedup: Number((def.seconds / par.seconds).toFixed(2)),
            peakRssBytes: par.peakRssBytes,
          },
        }
      : {}),
    ...(spinOk ? { spin: spinOk, ratioToSpin: Number((exStatesPerCpu / spinOk.statesPerCpuSecond).toFixed(4)) } : {}),
  },
};

const n = (x: number, d = 0) => Number(x.toFixed(d));
if (json) {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} else {
  const out = (s: string) => process.stdout.write(s);
  out(`lazyswitch bench: default scenario, ${seconds}s simulated per design and architecture (per CPU-second: this process's user + system time)\n\n`);
  out(
    renderTable(
      ['checker', 'switches', 'steps', 'wall s', 'CPU s', 'switches/s', 'steps/s', 'switches/CPU-s', 'steps/CPU-s'],
      [
        ['on', on.switches, on.steps, n(on.wall, 2), n(on.cpu, 2), result.switchesPerSecond.checkerOn, result.stepsPerSecond.checkerOn, result.switchesPerSecond.cpuSeconds, result.stepsPerSecond.cpuSeconds],
        ['off', off.switches, off.steps, n(off.wall, 2), n(off.cpu, 2), result.switchesPerSecond.checkerOff, result.stepsPerSecond.checkerOff, result.switchesPerSecond.cpuSecondsCheckerOff, result.stepsPerSecond.cpuSecondsCheckerOff],
      ],
    ) + '\n',
  );
  out('\nCopy limit: per switch, the register file (values + owner tags) saved and restored with TypedArray.set, against the checked runs\n\n');
  out(
    renderTable(
      ['arch', 'registers', 'limit switches/CPU-s', 'checked switches/CPU-s', 'limit / checked'],
      [
        ...ARCHS.map((a) => [a, limitPerArch[a].nregs, limitPerArch[a].switchesPerCpuSecond, limitPerArch[a].checkedSwitchesPerCpuSecond, limitPerArch[a].ratioToLimit]),
        ['both (same mix)', '', result.limit.switchesPerCpuSecond, result.switchesPerSecond.cpuSeconds, result.ratioToLimit],
      ],
    ) + '\n',
  );
  out(`\nCost per step as the machine grows: xen-x86-lazy on x86-64, credit, checker on, ${scaleSteps} steps each\n\n`);
  out(renderTable(['pcpus', 'vcpus', 'steps', 'switches', 'CPU s', 'steps/CPU-s', 'µs/step'], scaling.map((r) => [r.pcpus, r.vcpus, r.steps, r.switches, r.cpuSeconds, r.stepsPerCpuSecond, r.usPerStep])) + '\n');
  if (rp && result.replay) {
    out('\nTrace parsing and replay: the two real traces of ../shared/data/traces (lines in memory; replay = xen-x86-lazy on x86-64, checker on)\n\n');
    out(
      renderTable(
        ['stage', 'events', 'wall s', 'events/s'],
        [
          ['parse', rp.events, n(rp.parseWall, 2), result.replay.eventsPerSecond],
          ['parse + replay', rp.replayEvents, n(rp.replayWall, 2), result.replay.replayEventsPerSecond],
        ],
      ) + '\n',
    );
    if (largeReplay) {
      const l = largeReplay;
      out(`\nA large real trace: ${l.trace} (${l.cpus} cpus, ${l.tasks.toLocaleString('en-US')} tasks, ${l.records.toLocaleString('en-US')} records), planned and replayed ${l.runs}× with xen-x86-lazy on x86-64, checker on\n\n`);
      out(renderTable(['switches replayed', 'violations', 'CPU s', 'switches/CPU-s'], [[Math.round(l.switchesReplayed), l.violations, l.cpuSeconds, l.switchesPerCpuSecond]]) + '\n');
    }
  } else out('\n(trace replay not measured: ../shared/data/traces is not beside the repository)\n');
  out(`\nExplorer: xen-x86-lazy (SMALL_SPEC: 2 pcpus, int*2; default configuration: ${DEFAULT_DESC}), ${def.workers} worker; SPIN: ${SPIN_MODEL.replace(/.*\/shared\//, '../shared/')}, NV=${SPIN_NV}\n\n`);
  const mb = (b: number | undefined) => (b === undefined ? '' : n(b / 2 ** 20));
  const s = (x: number) => x.toLocaleString('en-US');
  const ex = result.explore;
  out(
    renderTable(
      ['search', 'complete', 'states', 'transitions', 'wall s', 'CPU s', 'states/s', 'states/CPU-s', 'peak RSS MB', 'bytes/state'],
      [
        ['SMALL_SPEC', exOn.complete ? 'yes' : 'no', exOn.states, exOn.transitions, exOn.seconds, ex.cpuSeconds, exOn.statesPerSecond, ex.statesPerCpuSecond, '', ''],
        ['SMALL_SPEC, no reductions', exOff.complete ? 'yes' : 'no', exOff.states, exOff.transitions, exOff.seconds, n(exOffCpu, 2), exOff.statesPerSecond, ex.unreducedStatesPerCpuSecond, '', ''],
        [`default (child)`, def.complete ? 'yes' : 'no', def.states, def.transitions, def.seconds, ex.defaultConfig.cpuSeconds, ex.defaultConfig.statesPerSecond, ex.defaultConfig.statesPerCpuSecond, mb(def.peakRssBytes), ex.bytesPerState],
        ...(par ? [[`default, ${par.workers} workers (child)`, par.complete ? 'yes' : 'no', par.states, par.transitions, par.seconds, n(par.cpuSeconds, 2), Math.round(par.states / par.seconds), Math.round(par.states / par.cpuSeconds), mb(par.peakRssBytes), '']] : []),
        [`3 pcpus + hotplug, first ${LARGE_STATES.toLocaleString('en-US')} (child)`, large.complete ? 'yes' : 'no', large.states, large.transitions, '', ex.large.cpuSeconds, '', ex.large.statesPerCpuSecond, mb(large.peakRssBytes), ex.large.bytesPerState],
        ...(spinOk ? [[`SPIN pan (NV=${SPIN_NV})`, spinOk.errors === 0 ? 'yes' : `${spinOk.errors} errors`, spinOk.states, spinOk.transitions, spinOk.elapsedSeconds, spinOk.cpuSeconds, spinOk.panStatesPerSecond, spinOk.statesPerCpuSecond, mb(spinOk.peakRssBytes), spinOk.peakRssBytes ? Math.round(spinOk.peakRssBytes / spinOk.states) : '']] : []),
      ],
    ) + '\n',
  );
  out(`reductions: ${ex.reductionRatio}× fewer states; default configuration's RSS before the search ${mb(def.baseRssBytes)} MB, so ${ex.memory.extraBytesPerState} bytes per extra state\n`);
  out(`3 pcpus + hotplug: ${ex.large.extraBytesPerState} bytes per extra state; frontier ${s(large.frontierPeak)} states queued at most, in ${mb(large.frontierBytes)} MB; visited set ${mb(large.tableBytes)} MB\n`);
  if (spinOk) out(`SPIN: pan's own figures: ${spinOk.memoryMB} MB total memory, ${spinOk.hashConflicts ?? '?'} hash conflicts (resolved: -DCOLLAPSE stores states exactly${spinOk.collisionProbability !== undefined ? `; collision probability ${spinOk.collisionProbability}` : ', no collision estimate printed'}), depth ${spinOk.depth}, state vector ${spinOk.stateVectorBytes} bytes\n`);
  else out(`SPIN not measured: ${'skipped' in spin ? spin.skipped : ''}; explore.spin and explore.ratioToSpin are absent\n`);
  const byShape = (p: number, v: number) => scaling.find((r) => r.pcpus === p && r.vcpus === v);
  const [s2, s8, s32, s8v] = [byShape(2, 3), byShape(8, 12), byShape(32, 48), byShape(8, 48)];
  out('\nIssue 15 targets (one core; printed, never asserted)\n\n');
  out(
    renderTable(
      ['target', 'measured', 'met'],
      [
        ['run, checker on: ≥ 300,000 switches/CPU-s (goal 2,000,000: within 10× of the copy limit)', `${s(result.switchesPerSecond.cpuSeconds)} switches/CPU-s; limit ${s(result.limit.switchesPerCpuSecond)} (${result.ratioToLimit}×)`, result.switchesPerSecond.cpuSeconds >= 300_000 ? 'yes' : 'no'],
        ...(s2 && s8 && s32 && s8v
          ? [
              ['cost per step independent of the vcpu count (8 pcpus: 12 → 48 vcpus; met: within 25%)', `${s8.usPerStep} → ${s8v.usPerStep} µs/step (${n(s8v.usPerStep / s8.usPerStep, 2)}×)`, s8v.usPerStep <= s8.usPerStep * 1.25 ? 'yes' : 'no'],
              ['… and at most linear in pcpus (2 → 32 pcpus: ≤ 16×)', `${s2.usPerStep} → ${s32.usPerStep} µs/step (${n(s32.usPerStep / s2.usPerStep, 1)}×)`, s32.usPerStep <= s2.usPerStep * 16 ? 'yes' : 'no'],
            ]
          : []),
        ['explore states/CPU-s ≥ SPIN\'s in the same run (goal 2×)', spinOk ? `${s(ex.statesPerCpuSecond)} vs ${s(spinOk.statesPerCpuSecond)} (${ex.ratioToSpin}×)` : `${s(ex.statesPerCpuSecond)} (SPIN not measured)`, spinOk ? (ex.statesPerCpuSecond >= spinOk.statesPerCpuSecond ? 'yes' : 'no') : '?'],
        ['≤ 200 bytes per state at peak RSS', `${s(ex.large.bytesPerState)} bytes/state (3 pcpus + hotplug, ${s(large.states)} states); ${s(ex.bytesPerState)} (default configuration, ${s(def.states)} states)`, ex.large.bytesPerState <= 200 ? 'yes' : 'no'],
      ],
    ) + '\n',
  );
}
