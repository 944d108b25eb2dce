/**
 * @module bench/main: `npm run bench` — measured speed, never asserted. Prints simulated context
 * switches per wall-clock second on the default scenario (x86-64 and ppc64, 4 pcpus,
 * cpu*2,fp*2,io*2, credit, all built-in designs), with the checker on and off.
 * `--json` prints { "switchesPerSecond": { "checkerOn": N, "checkerOff": N } } (later benchmarks add keys).
 */
import { getArch } from '../src/arch/index.ts';
import { DESIGNS, getScheduler } from '../src/hv/index.ts';
import { runOne } from '../src/sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains } from '../src/scenario/index.ts';
import { renderTable } from '../src/report/index.ts';

const json = process.argv.includes('--json');
const seconds = Number(process.env.LAZYSWITCH_BENCH_SECONDS ?? 4);

function measure(checker: boolean): { switches: number; wall: number; steps: number } {
  let switches = 0;
  let steps = 0;
  let wall = 0;
  for (const arch of ['x86-64', 'ppc64']) {
    for (const design of DESIGNS) {
      if (design.supports(getArch(arch)) !== true) continue;
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
const result = {
  switchesPerSecond: { checkerOn: Math.round(on.switches / on.wall), checkerOff: Math.round(off.switches / off.wall) },
  stepsPerSecond: { checkerOn: Math.round(on.steps / on.wall), checkerOff: Math.round(off.steps / off.wall) },
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
}
