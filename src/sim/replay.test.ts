/**
 * The trace replay: the trace dictates every switch, every design keeps the contract on it, and
 * what the trace gets wrong (lost events, truncation) is counted, never fatal.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinArchNames, getArch } from '../arch/index.ts';
import { DEFAULT_CONTRACT, DESIGNS, getDesign, writtenFor } from '../hv/index.ts';
import { TraceDiagnostics, parseTraceLines, type TraceFormat } from '../trace/index.ts';
import { InputError } from '../base/index.ts';
import { commPattern, defaultProfile, planReplay, processName, replayPlan, type PlanOptions, type ReplayPlan } from './replay.ts';
import { describeTraces, tracePath } from '../../test/shared-data.ts';
import { syntheticFtrace } from '../../test/fixtures/traces/synthetic-ftrace.ts';
const FIXTURES = new URL('../../test/fixtures/traces/', import.meta.url);

function planOf(text: string, o: PlanOptions & { format?: TraceFormat; tscHz?: number } = {}): ReplayPlan {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseTraceLines(text.split('\n'), { diagnostics, format: o.format, tscHz: o.tscHz })];
  return planReplay(records, diagnostics, o);
}

/** One ftrace sched_switch line (4-char flags, no TGID column). */
function sw(cpu: number, ts: number, prev: string, prevState: string, next: string): string {
  const [pc, pp] = prev.split('-');
  const [nc, np] = next.split('-');
  return `${`${pc}-${pp}`.padStart(16)} [${String(cpu).padStart(3, '0')}] d..3 ${ts.toFixed(6)}: sched_switch: prev_comm=${pc} prev_pid=${pp} prev_prio=120 prev_state=${prevState} ==> next_comm=${nc} next_pid=${np} next_prio=120`;
}

const x86 = getArch('x86-64');
const xenLazy = getDesign('xen-x86-lazy');

/** Designs kept broken on purpose (SwitchDesign.broken, e.g. ppc-naive-volatile) must be caught on a real schedule too; every other must pass it. */
// Correct under today's contract, the one trace replay runs under (xen-x86-lazy-2005 is not).
const isCorrect = (design: string) => !getDesign(design).broken && writtenFor(getDesign(design)).includes(DEFAULT_CONTRACT);

for (const { file, switches, cpus, archs, designs } of [
  { file: 'juno_idle_shell_6cpu_tracecmd_raw.txt', switches: 1856, cpus: 6, archs: builtinArchNames(), designs: DESIGNS.map((d) => d.name) },
  // The 11k-switch trace: the two designs of the default run here; every design through the CLI (test/e2e/replay-trace.test.ts).
  { file: 'android_launcher_2cpu_systrace.txt', switches: 11074, cpus: 2, archs: ['x86-64', 'ppc64'], designs: ['eager', 'xen-x86-lazy'] },
]) describeTraces(`replaying ${file}`, [file], () => {
  const text = readFileSync(tracePath(file), 'utf8');
  const plan = planOf(text);

  it('maps the trace: its switches per cpu, its cpus, no inconsistency', () => {
    const grep: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.includes('sched_switch:')) continue;
      const cpu = String(Number(/\[(\d{3})\]/.exec(line)![1]));
      grep[cpu] = (grep[cpu] ?? 0) + 1;
    }
    expect(plan.facts.switchesPerCpu).toEqual(grep);
    expect(plan.facts.switches).toBe(switches);
    expect(plan.facts.cpus).toBe(cpus);
    expect(plan.facts.malformedLines).toBe(0);
    expect(plan.facts.inconsistencies).toEqual({ prevMismatch: 0, nextRunningElsewhere: 0, alreadyRunning: 0 });
    // Every task is one vcpu of one domain; idle tasks are the idle vcpus 0..cpus-1.
    expect(plan.tasks.map((t) => t.vcpu)).toEqual(plan.tasks.map((_, i) => cpus + i));
    for (let i = 0; i < plan.next.length; i++) expect(plan.next[i] >= cpus || plan.next[i] === plan.cpu[i]).toBe(true);
  });

  for (const arch of archs) {
    for (const design of designs) {
      if (getDesign(design).supports(getArch(arch)) !== true) continue;
      it(`${design} on ${arch}: carries out exactly the trace's switches, with 0 violations unless broken on purpose`, () => {
        const r = replayPlan(plan, { arch: getArch(arch), design: getDesign(design) });
        expect(r.metrics.switches).toBe(switches);
        expect(r.replay.switchesReplayed).toBe(switches);
        expect(r.replay.inconsistencies).toEqual(plan.facts.inconsistencies);
        if (isCorrect(design)) expect(r.violations).toEqual([]);
        else expect(r.violationCount).toBeGreaterThan(0); // a design broken on purpose is caught on a real schedule too
      });
    }
  }

  it('xen-x86-lazy is lazy exactly on switches to idle and on X → idle → X with X still loaded', () => {
    const r = replayPlan(plan, { arch: x86, design: xenLazy });
    expect(r.metrics.lazySwitches).toBe(plan.facts.switchesToIdle + plan.facts.idleRoundTrips);
    expect(r.metrics.lazySwitches).toBeGreaterThan(0);
    const eager = replayPlan(plan, { arch: x86, design: getDesign('eager') });
    expect(eager.metrics.lazySwitches).toBe(0);
    expect(r.replay.wordsMoved).toBeLessThan(eager.replay.wordsMoved);
  });
});

/** A copy cut off mid-line at its 300th line: that line counted malformed, with its number; the rest replays. */
function expectTruncatedCounted(full: string[]): void {
  const cut = full.slice(0, 300);
  cut[299] = cut[299].slice(0, 60);
  const plan = planOf(cut.join('\n'));
  expect(plan.facts.malformedLines).toBe(1);
  expect(plan.facts.malformedExamples[0].line).toBe(300);
  const r = replayPlan(plan, { arch: x86, design: xenLazy });
  expect(r.violations).toEqual([]);
  expect(r.metrics.switches).toBe(plan.facts.switches);
}

describe('replay of traces that do not add up', () => {
  it('repairs lost events: a task switched in while still running elsewhere, a prev that is not running, a switch to the running task', () => {
    const text = [
      '#P:2',
      sw(0, 1.0, 'swapper/0-0', 'R', 'a-10'),
      sw(1, 1.1, 'swapper/1-0', 'R', 'b-11'),
      // a's switch-out on cpu 0 was lost: cpu 1 switches a in while the trace still has it on cpu 0.
      sw(1, 1.2, 'b-11', 'S', 'a-10'),
      // cpu 0 switches from c, which never ran there (after the repair it idles).
      sw(0, 1.3, 'c-12', 'R', 'b-11'),
      // cpu 1 switches to a, which already runs there (counted once, as alreadyRunning).
      sw(1, 1.4, 'b-11', 'R', 'a-10'),
      sw(1, 1.5, 'a-10', 'S', 'swapper/1-0'),
    ].join('\n');
    const plan = planOf(text);
    expect(plan.facts.inconsistencies).toEqual({ prevMismatch: 1, nextRunningElsewhere: 1, alreadyRunning: 1 });
    for (const design of DESIGNS.filter((d) => d.supports(x86) === true && isCorrect(d.name))) {
      const r = replayPlan(plan, { arch: x86, design });
      expect(r.replay.inconsistencies, design.name).toEqual(plan.facts.inconsistencies);
      expect(r.violations, design.name).toEqual([]);
    }
  });

  it('counts a line cut off mid-way (a truncated copy) as malformed, with its line number, and replays the rest', () => {
    expectTruncatedCounted(syntheticFtrace().split('\n').slice(0, 400));
  });

  describeTraces('on a real trace', ['android_launcher_2cpu_systrace.txt'], () => {
    it('counts a line cut off mid-way in a copy of android_launcher_2cpu_systrace.txt, and replays the rest', () => {
      expectTruncatedCounted(readFileSync(tracePath('android_launcher_2cpu_systrace.txt'), 'utf8').split('\n').slice(0, 400));
    });
  });

  it('starts with the tasks already running when tracing began', () => {
    const plan = planOf(['#P:2', sw(1, 5.0, 'busy-7', 'S', 'swapper/1-0'), sw(1, 5.5, 'swapper/1-0', 'R', 'busy-7')].join('\n'));
    expect([...plan.initial]).toEqual([0, 2]);
    const r = replayPlan(plan, { arch: x86, design: xenLazy });
    // busy → idle and idle → busy, both lazy: busy's state never left pcpu 1. The warm-up switch is not counted.
    expect(r.metrics.switches).toBe(2);
    expect(r.metrics.lazySwitches).toBe(2);
    expect(r.replay.wakes).toBe(1);
  });

  it('refuses what it cannot replay faithfully, naming the line or flag', () => {
    expect(() => planOf(readFileSync(new URL('perf-3.13-no-cpu.txt', FIXTURES), 'utf8'), { source: 'perf.txt' })).toThrow(/perf\.txt: line 24: 1 sched_switch records have no cpu/);
    expect(() => planOf(readFileSync(new URL('xen-credit2-decoded.txt', FIXTURES), 'utf8'))).toThrow(/--tsc-hz/);
    expect(() => planOf(sw(0, 1, 'a-1', 'S', 'b-2'), { group: 'xen' })).toThrow(InputError);
    expect(() => planOf('#P:2\n' + sw(0, 1, 'a-1', 'S', 'b-2'), { profiles: [{ pattern: 'a', profile: 'gpu' }] })).toThrow(/unknown guest profile "gpu"/);
  });
});

describe('tasks, domains and profiles', () => {
  const tgidText = readFileSync(new URL('android-atrace-tgid.txt', FIXTURES), 'utf8');

  it('groups by tgid when the trace has it: a process and its threads share a domain', () => {
    const plan = planOf(tgidText);
    expect(plan.facts.group).toBe('tgid');
    const dom = (pid: number) => plan.domains[plan.tasks.find((t) => t.pid === pid)!.domain].name;
    expect(dom(611)).toBe(dom(679)); // com.android.systemui and its Binder_5 thread
    expect(dom(12)).not.toBe(dom(611));
  });

  it('groups by process, pid, Xen domain or a mapping', () => {
    expect(planOf(tgidText, { group: 'pid' }).domains).toHaveLength(3);
    const byProcess = planOf(tgidText, { group: 'process' });
    expect(byProcess.domains.map((d) => d.name).sort()).toEqual(['Binder', 'ksoftirqd', 'ndroid.systemui']);
    const mapped = planOf(tgidText, { group: { domains: { ui: ['*systemui', 679], kernel: ['/^ksoft/'] } } });
    expect(mapped.domains.map((d) => [d.name, d.vcpus.length])).toEqual([
      ['kernel', 1],
      ['ui', 2],
    ]);
    const xen = planOf(readFileSync(new URL('xen-credit2-decoded.txt', FIXTURES), 'utf8'), { tscHz: 2.4e9 });
    expect(xen.facts.group).toBe('xen');
    expect(xen.domains.map((d) => d.name)).toEqual(['d0']);
    expect(xen.tasks.map((t) => t.name)).toEqual(['d0v2', 'd0v7']);
  });

  it('strips instance suffixes for the process rule', () => {
    expect(['kworker/u12:1', 'kworker/0:1H', 'mmcqd/0', 'Binder_5', 'Binder:549_4', 'irq/409-inv_irq', 'sh', '1234'].map(processName)).toEqual([
      'kworker',
      'kworker',
      'mmcqd',
      'Binder',
      'Binder',
      'irq',
      'sh',
      '1234',
    ]);
  });

  it('gives profiles by the documented rule, overridable per comm glob', () => {
    expect(['RenderThread', 'surfaceflinger', 'mali-cmar-backe', 'GLThread 12', 'AudioOut_2', 'MediaCodec_loop', 'kworker/0:1', 'ksoftirqd/0', 'sh'].map(defaultProfile)).toEqual([
      'vector',
      'vector',
      'vector',
      'vector',
      'fp',
      'fp',
      'int',
      'int',
      'int',
    ]);
    const plan = planOf(tgidText, { profiles: [{ pattern: 'Binder_*', profile: 'cpu' }] });
    expect(plan.tasks.find((t) => t.comm === 'Binder_5')!.profile).toBe('cpu');
    expect(commPattern('kworker/*').test('kworker/0:1')).toBe(true);
    expect(commPattern('a.b').test('axb')).toBe(false);
  });
});

describe('replay determinism', () => {
  const identical = (text: string) => {
    const plan = planOf(text);
    expect(JSON.stringify(replayPlan(plan, { arch: x86, design: xenLazy }))).toBe(JSON.stringify(replayPlan(plan, { arch: x86, design: xenLazy })));
  };
  it('gives byte-identical results for the same plan', () => identical(syntheticFtrace()));
  describeTraces('on a real trace', ['juno_idle_shell_6cpu_tracecmd_raw.txt'], () => {
    it('gives byte-identical results for the same plan of juno_idle_shell_6cpu_tracecmd_raw.txt', () => identical(readFileSync(tracePath('juno_idle_shell_6cpu_tracecmd_raw.txt'), 'utf8')));
  });
});
