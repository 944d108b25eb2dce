/**
 * @module bench/main: `npm run bench` — measured speed, never asserted. Prints simulated context
 * switches per wall-clock second on the default scenario (x86-64 and ppc64, 4 pcpus,
 * cpu*2,fp*2,io*2, credit, every design `npm start` runs — those not kept broken on purpose),
 * with the checker on and off.
 * `--json` prints { "switchesPerSecond": { "checkerOn": N, "checkerOff": N } } (later benchmarks add keys).
 *
 * Trace replay (issue 8): the two real traces of ../shared/data/traces, lines already in memory
 * (parsing, not the disk, is measured). "replay": { "eventsPerSecond": records (switches and
 * wakeups) per second through the streaming TraceParser alone, "replayEventsPerSecond": the same
 * records through parse + planReplay + one replay (xen-x86-lazy on x86-64, checker on) }.
 */
import { getArch } from '../src/arch/index.ts';
import { DESIGNS, FPU_DESIGNS, getScheduler } from '../src/hv/index.ts';
import { runOne } from '../src/sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../src/scenario/index.ts';
import { renderTable } from '../src/report/index.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceParser, type TraceRecord } from '../src/trace/index.ts';
import { planReplay, replayPlan } from '../src/sim/index.ts';
import { getDesign } from '../src/hv/index.ts';

const json = process.argv.includes('--json');
const seconds = Number(process.env.LAZYSWITCH_BENCH_SECONDS ?? 4);

function measure(checker: boolean): { switches: number; wall: number; steps: number } {
  let switches = 0;
  let steps = 0;
  let wall = 0;
  for (const arch of ['x86-64', 'ppc64']) {
    for (const design of DESIGNS) {
      if (design.broken || FPU_DESIGNS.includes(design) || design.supports(getArch(arch)) !== true) continue;
      const t0 = performance.now();
      const r = runOne({ arch: getArch(arch), design, sched: getScheduler('credit'), pcpus: 4, domains: parseDomains(DEFAULT_DOMAINS), seconds, seed: 1, checker });
      wall += (performance.now() - t0) / 1000;
      switches += r.metrics.switches;
      steps += r.metrics.steps;
    }
  }
  return { switches, wall, steps };
}

measure(true); // warm up the JIT
const on = measure(true);
const off = measure(false);

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

const result = {
  switchesPerSecond: { checkerOn: Math.round(on.switches / on.wall), checkerOff: Math.round(off.switches / off.wall) },
  stepsPerSecond: { checkerOn: Math.round(on.steps / on.wall), checkerOff: Math.round(off.steps / off.wall) },
  ...(rp ? { replay: { eventsPerSecond: Math.round(rp.events / rp.parseWall), replayEventsPerSecond: Math.round(rp.replayEvents / rp.replayWall) } } : {}),
  // Explorer (issue 7): xen-x86-lazy on the configuration the tests exhaust (explore SMALL_SPEC:
  // 2 pcpus, 2 vcpus), to completion, with reductions and without; ratio = states without / with.
  // Also its rate on the default configuration (explore DEFAULT_SPEC: 3 vcpus, control
  // operations), which does not complete: the first 50,000 states.
  explore: await (async () => {
    const { explore: run, resolveSpec, SMALL_SPEC, DEFAULT_SPEC } = await import('../src/explore/index.ts');
    const s = resolveSpec(SMALL_SPEC);
    const on = run(s, { now: () => performance.now() });
    const off = run(s, { now: () => performance.now(), reduction: false });
    const def = run(resolveSpec(DEFAULT_SPEC), { now: () => performance.now(), maxStates: 50_000 });
    if (!json) process.stdout.write(`explore (xen-x86-lazy, 2 pcpus, int*2): ${on.states} states in ${on.seconds} s (${on.statesPerSecond} states/s, ${on.transitions} transitions); without reductions ${off.states} states in ${off.seconds} s (${off.statesPerSecond} states/s); default configuration (int*2,io*1, control operations): the first ${def.states} states in ${def.seconds} s (${def.statesPerSecond} states/s)\n\n`);
    return {
      statesPerSecond: on.statesPerSecond,
      reductionRatio: Number((off.states / on.states).toFixed(3)),
      states: on.states,
      transitions: on.transitions,
      unreducedStates: off.states,
      unreducedTransitions: off.transitions,
      unreducedStatesPerSecond: off.statesPerSecond,
      defaultConfig: { statesPerSecond: def.statesPerSecond, states: def.states, transitions: def.transitions, seconds: def.seconds },
    };
  })(),
};
if (json) {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} else {
  process.stdout.write(`lazyswitch bench: default scenario, ${seconds}s simulated per design and architecture\n\n`);
  process.stdout.write(
    renderTable(
      ['checker', 'switches', 'steps', 'wall s', 'switches/s', 'steps/s'],
      [
        ['on', on.switches, on.steps, Number(on.wall.toFixed(2)), result.switchesPerSecond.checkerOn, result.stepsPerSecond.checkerOn],
        ['off', off.switches, off.steps, Number(off.wall.toFixed(2)), result.switchesPerSecond.checkerOff, result.stepsPerSecond.checkerOff],
      ],
    ) + '\n',
  );
  if (rp && result.replay) {
    process.stdout.write('\nTrace parsing and replay: the two real traces of ../shared/data/traces (lines in memory; replay = xen-x86-lazy on x86-64, checker on)\n\n');
    process.stdout.write(
      renderTable(
        ['stage', 'events', 'wall s', 'events/s'],
        [
          ['parse', rp.events, Number(rp.parseWall.toFixed(2)), result.replay.eventsPerSecond],
          ['parse + replay', rp.replayEvents, Number(rp.replayWall.toFixed(2)), result.replay.replayEventsPerSecond],
        ],
      ) + '\n',
    );
  } else process.stdout.write('\n(trace replay not measured: ../shared/data/traces is not beside the repository)\n');
}
