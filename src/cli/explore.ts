/**
 * @module cli/explore: `lazyswitch explore` — every interleaving of a small configuration
 * (src/explore), or PCT random runs (--strategy pct), with the shortest counterexample told as
 * a story and a replay string; and `lazyswitch replay STRING`. Exit code: 0 no violation,
 * 1 a violation found (or reproduced), 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../base/index.ts';
import { DEFAULT_SPEC, EVERY_DEFAULT_BUDGET, GUEST_OPS_DEFAULT, explore, exploreEvery, pct, resolveSpec, tellStory, mutantSpec, type EveryRow, type ExploreResult, type ExploreSpec, type FoundViolation, type PctResult } from '../explore/index.ts';
import { renderTable } from '../report/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { contractFlag, intFlag } from './args.ts';
import { defaultExploreWorkers, exploreWithWorkers, workersFor } from './explore-pool.ts';
import { loadDesignFileHashed } from './design-file.ts';
import { archFileSpec, designFileSpec, isArchFile, loadArchFile } from './user-files.ts';
import type { ExploreSetup, UserFiles } from '../explore/index.ts';
import { CONTRACT_NAMES, DEFAULT_CONTRACT } from '../hv/index.ts';

export interface ExploreFlags {
  design?: string;
  designFile?: string;
  arch?: string;
  config?: string;
  pcpus?: string;
  domains?: string;
  sched?: string;
  control?: boolean;
  ops?: string;
  ctl?: string;
  contract?: string;
  depth?: string;
  preemptions?: string;
  budget?: string;
  json?: boolean;
  reduction: boolean;
  ratio: boolean;
  strategy: string;
  runs: string;
  seed: string;
  steps: string;
  pctDepth: string;
  workers?: string;
}

const ConfigFile = z
  .object({
    design: z.string().optional(),
    arch: z.string().optional(),
    sched: z.string().optional(),
    pcpus: z.number().int().min(1).max(8).optional(),
    domains: z.string().optional(),
    control: z.boolean().optional(),
    ops: z.array(z.string()).optional(),
    ctl: z.array(z.string()).optional(),
    contract: z.enum(CONTRACT_NAMES).optional(),
    depth: z.number().int().min(1).optional(),
    preemptions: z.number().int().min(0).optional(),
    budget: z.union([z.number().int().min(1), z.string()]).optional(),
  })
  .strict();
type ConfigFile = z.infer<typeof ConfigFile>;

function readConfig(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('--config', [{ where: '--config', message: `cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InputError('--config', [{ where: file, message: `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}` }]);
  }
  const r = ConfigFile.safeParse(data ?? {});
  if (!r.success) throw new InputError('--config', r.error.issues.map((i) => ({ where: `${file}: ${i.path.join('.') || '(top level)'}`, message: i.message })));
  return r.data;
}

/**
 * States explored when no budget is given: about half a minute and 1.5 GB on the default
 * configuration, which has more than a million (each mutant is caught within 8,125; the small
 * configuration of every design completes within 50,000).
 */
export const EXPLORE_DEFAULT_BUDGET = 250_000;

/** --budget: a whole number of states, or a duration (10s, 500ms, 2m → seconds). */
export function parseBudget(text: string): { states?: number; seconds?: number } {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { states: intFlag('--budget', t, 1, 1e9) };
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/.exec(t);
  if (!m) throw new InputError('--budget', [{ where: '--budget', message: `"${text}" is neither a number of states (e.g. 500000) nor a time (e.g. 30s, 2m)` }]);
  const mult: Record<string, number> = { ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };
  return { seconds: Number(m[1]) * mult[m[2]] };
}

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** What the flags and the --config file set of the configuration (flags first); nothing else. */
function overridesFrom(f: ExploreFlags, cfg: ConfigFile): Partial<ExploreSpec> {
  const o: Partial<ExploreSpec> = {};
  const arch = f.arch ?? cfg.arch;
  if (arch !== undefined) o.arch = arch;
  const sched = f.sched ?? cfg.sched;
  if (sched !== undefined) o.sched = sched;
  const pcpus = f.pcpus !== undefined ? intFlag('--pcpus', f.pcpus, 1, 8) : cfg.pcpus;
  if (pcpus !== undefined) o.pcpus = pcpus;
  const domains = f.domains ?? cfg.domains;
  if (domains !== undefined) o.domains = domains;
  const control = f.control === false ? false : cfg.control;
  if (control !== undefined) o.control = control;
  const ops = f.ops !== undefined ? list(f.ops) : cfg.ops;
  if (ops) o.ops = ops;
  const ctl = f.ctl !== undefined ? list(f.ctl) : cfg.ctl;
  if (ctl) o.ctl = ctl;
  const contract = f.contract !== undefined ? contractFlag(f.contract) : cfg.contract;
  if (contract) o.contract = contract;
  return o;
}

/** The bounds: budget (states or time; `defaultBudget` states when none is given), depth, preemptions. */
function boundsFrom(f: ExploreFlags, cfg: ConfigFile, defaultBudget: number) {
  return {
    budget: parseBudget(f.budget ?? String(cfg.budget ?? defaultBudget)),
    depth: f.depth !== undefined ? intFlag('--depth', f.depth, 1, 1e6) : cfg.depth,
    preemptions: f.preemptions !== undefined ? intFlag('--preemptions', f.preemptions, 0, 1e6) : cfg.preemptions,
  };
}

function specFrom(f: ExploreFlags, cfg: ConfigFile): ExploreSpec {
  const design = f.design ?? cfg.design ?? DEFAULT_SPEC.design;
  const base = MUTANTS.some((m) => m.name === design) ? mutantSpec(design) : { ...DEFAULT_SPEC, design };
  const o = overridesFrom(f, cfg);
  const ctl = o.ctl ?? base.ctl;
  const contract = o.contract ?? base.contract;
  return {
    design,
    arch: o.arch ?? base.arch,
    sched: o.sched ?? base.sched,
    pcpus: o.pcpus ?? base.pcpus,
    domains: o.domains ?? base.domains,
    control: o.control ?? base.control,
    ops: o.ops ?? base.ops ?? GUEST_OPS_DEFAULT,
    ...(ctl ? { ctl } : {}),
    ...(contract ? { contract } : {}),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** A progress line on stderr, only on a TTY. */
function progressLine(): { update: (p: { states: number; transitions: number; depth: number; seconds: number }) => void; done: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  return {
    update: (p) => {
      if (!tty) return;
      const rate = p.seconds > 0 ? Math.round(p.states / p.seconds) : 0;
      process.stderr.write(`\rexplore: ${fmt(p.states)} states, ${fmt(p.transitions)} transitions, depth ${p.depth}, ${fmt(rate)} states/s\x1b[K`);
    },
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Whether non-progress cycles were looked for, and on what: one line of the text output. */
function livenessLine(r: ExploreResult, unreduced: ExploreResult | null, f: ExploreFlags): string {
  const l = r.liveness;
  if (l?.checked) return `non-progress cycles: ${l.found ? 'FOUND (below)' : 'none'} — every cycle of the unreduced graph (${fmt(l.transitions)} transitions) judged with each pcpu's steps, IPIs and timers and each I/O completion fair`;
  const why = !f.reduction ? (r.complete ? 'a violation came first' : 'the search did not complete') : !f.ratio ? 'they need the unreduced search (drop --no-ratio)' : !r.complete ? 'the search did not complete' : unreduced && !unreduced.complete ? 'the unreduced search did not complete within the budget (raise --budget)' : r.violations.length ? 'a violation came first' : 'not with --depth or --preemptions';
  return `non-progress cycles: not looked for — ${why}`;
}

function violationJson(setup: ExploreSetup, v: FoundViolation) {
  const story = tellStory(setup, v.choices);
  return { invariant: v.invariant, trace: v.trace, replay: v.replay, message: v.message, length: v.choices.length, story: story.lines };
}

function printViolation(setup: ExploreSetup, v: FoundViolation, out: (s: string) => void, label: string): void {
  out(`\nVIOLATION of ${v.invariant} after ${v.choices.length} choices (${label}):\n`);
  out(tellStory(setup, v.choices).text);
  out(`\nreplay it:\n  lazyswitch replay '${v.replay}'`);
}

/**
 * `explore --design all`: every built-in design on the small configuration (explore/every),
 * one table; flags and --config keys override the configuration (control operations only
 * through --ctl or the config file: SMALL_SPEC has none). Exit 1 when a row is not what it
 * should be (a correct design with a violation or deadlock, a broken design explored to
 * completion without being caught).
 */
function everyCommand(f: ExploreFlags, cfg: ConfigFile, out: (s: string) => void): number {
  if (f.strategy !== 'bfs') throw new InputError('--strategy', [{ where: '--strategy', message: '--design all explores exhaustively (bfs); give one design for pct' }]);
  const over = overridesFrom(f, cfg);
  // SMALL_SPEC offers no control operations: naming some (--ctl) turns them on.
  if (over.ctl && over.control === undefined) over.control = true;
  const contract = over.contract;
  const { budget, depth, preemptions } = boundsFrom(f, cfg, EVERY_DEFAULT_BUDGET);
  const tty = Boolean(process.stderr.isTTY);
  let which = '';
  const progress = (p: { states: number; seconds: number }) => {
    if (tty) process.stderr.write(`\rexplore: ${which}${p.states ? `: ${fmt(p.states)} states, ${fmt(p.seconds > 0 ? Math.round(p.states / p.seconds) : 0)} states/s` : ''}\x1b[K`);
  };
  const rows = exploreEvery(over, { depth, preemptions, maxStates: budget.states, maxSeconds: budget.seconds, reduction: f.reduction, now: () => performance.now(), onProgress: progress }, (i, n, name) => {
    which = `design ${i + 1}/${n} ${name}`;
    progress({ states: 0, seconds: 0 });
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const bad = rows.filter((r) => r.asExpected === false);
  const contractName = contract ?? DEFAULT_CONTRACT;
  if (f.json) {
    out(
      JSON.stringify(
        {
          contract: contractName,
          budget: budget.states ?? `${budget.seconds} s`,
          designs: rows.map((r) => ({
            design: r.design,
            form: r.form,
            arch: r.result.arch,
            domains: r.spec.domains,
            expected: r.expected,
            asExpected: r.asExpected,
            complete: r.result.complete,
            states: r.result.states,
            transitions: r.result.transitions,
            seconds: r.result.seconds,
            statesPerSecond: r.result.statesPerSecond,
            violations: r.result.violations.map((v) => ({ invariant: v.invariant, trace: v.trace, replay: v.replay, message: v.message, length: v.choices.length })),
            maxDepth: r.result.maxDepth,
            stopped: r.result.stopped,
            deadlocks: r.result.deadlocks,
            deadlock: r.result.deadlock,
            config: r.spec,
          })),
        },
        null,
        2,
      ),
    );
    return bad.length ? 1 : 0;
  }
  const first = rows[0].spec;
  out(`lazyswitch explore --design all: every built-in design, ${first.pcpus} pcpus, domains ${over.domains ?? `${first.domains} (fp*2 for the unit designs)`} (+ idle), ${resolveSpec(first).sched.name} scheduler, guest ops ${(first.ops ?? GUEST_OPS_DEFAULT).join(', ')}${first.control ? ', control operations' : ''}, contract ${contractName}; budget ${budget.states !== undefined ? fmt(budget.states) + ' states' : budget.seconds + ' s'} a design\n`);
  out(renderTable(['design', 'arch', 'expected', 'complete', 'states', 'transitions', 's', 'outcome'], rows.map((r) => [r.form ? `${r.design} (as ${r.form})` : r.design, r.result.arch, r.expected, r.result.complete ? 'yes' : 'no', r.result.states, r.result.transitions, r.result.seconds, everyOutcome(r)])));
  const ok = rows.filter((r) => r.expected === 'correct' && r.asExpected === true).length;
  const correct = rows.filter((r) => r.expected === 'correct').length;
  out(`\n${ok} of ${correct} correct designs explored to completion with no violation and no deadlock${bad.length ? `; NOT AS EXPECTED: ${bad.map((r) => r.design).join(', ')}` : ''}.`);
  const open = rows.filter((r) => r.result.stopped === 'states' || r.result.stopped === 'time');
  // The two designs whose per-vcpu counters multiply their state spaces (explore/every).
  const counter: Record<string, string> = { 'power-giveup-loadfp': 'u8 load_fp/load_vec counters per vcpu', adaptive: 'a per-vcpu run of up to 5 stints' };
  const counters = open.filter((r) => counter[r.design]).map((r) => `${r.design} keeps ${counter[r.design]}`);
  if (open.length) out(`Budget spent before completion (nothing shown either way): ${open.map((r) => r.design).join(', ')} — raise --budget.${counters.length ? ` (${counters.join('; ')}: each multiplies the state space.)` : ''}`);
  const caught = rows.find((r) => r.result.violations.length);
  if (caught) out(`Replay a row's counterexample with lazyswitch replay, e.g. ${caught.design}:\n  lazyswitch replay '${caught.result.violations[0].replay}'`);
  return bad.length ? 1 : 0;
}

function everyOutcome(r: EveryRow): string {
  const v = r.result.violations[0];
  const what = v ? `${v.invariant} after ${v.choices.length} choices` : r.result.deadlocks ? `deadlock after ${r.result.deadlock!.length} choices` : r.result.complete ? 'no violation' : `none within the budget`;
  const mark = r.asExpected === false ? '  ← NOT AS EXPECTED' : r.expected === 'broken' && r.asExpected ? ' (caught)' : '';
  return what + mark;
}

export async function exploreCommand(f: ExploreFlags, out: (s: string) => void): Promise<number> {
  const cfg = f.config ? readConfig(f.config) : {};
  const arch = f.arch ?? cfg.arch;
  if ((f.design ?? cfg.design) === 'all') {
    if (f.designFile !== undefined) throw new InputError('--design-file', [{ where: '--design-file', message: '--design all explores the built-in designs; give --design-file without --design all' }]);
    if (arch !== undefined && isArchFile(arch)) throw new InputError('--arch', [{ where: '--arch', message: `--design all explores the built-in designs on built-in architectures; explore an architecture file ("${arch}") with one design (--design NAME or --design-file FILE)` }]);
    return everyCommand(f, cfg, out);
  }
  if (f.designFile !== undefined && f.design !== undefined) throw new InputError('--design-file', [{ where: '--design / --design-file', message: 'give one of them' }]);
  // A user's files: loaded here (the explorer does no I/O), named in the spec by path and hash, so its replay strings reproduce.
  const files: UserFiles = {};
  let spec = specFrom(f, cfg);
  if (f.designFile !== undefined) {
    const d = await loadDesignFileHashed(f.designFile);
    files.design = d.design;
    spec = { ...spec, ...designFileSpec(d) };
  }
  if (arch !== undefined && isArchFile(arch)) {
    const a = loadArchFile(arch);
    files.arch = a.arch;
    spec = { ...spec, ...archFileSpec(a) };
  }
  const setup = resolveSpec(spec, files);
  const { budget, depth, preemptions } = boundsFrom(f, cfg, EXPLORE_DEFAULT_BUDGET);
  const strategy = f.strategy;
  if (strategy !== 'bfs' && strategy !== 'pct') throw new InputError('--strategy', [{ where: '--strategy', message: `"${strategy}" is not bfs or pct` }]);
  const now = () => performance.now();
  const head = `lazyswitch explore: ${spec.design} on ${setup.arch.name}, ${spec.pcpus} pcpus, domains ${spec.domains} (+ idle), ${setup.sched.name} scheduler, guest ops ${(spec.ops ?? GUEST_OPS_DEFAULT).join(', ')}${spec.control ? `, control operations${spec.ctl ? ` (${spec.ctl.join(', ')})` : ''}` : ''}${spec.contract && spec.contract !== DEFAULT_CONTRACT ? `, contract ${spec.contract}` : ''}`;

  if (strategy === 'pct') {
    const runs = intFlag('--runs', f.runs, 1, 1e7);
    const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
    const steps = depth ?? intFlag('--steps', f.steps, 1, 1e6);
    const d = intFlag('--pct-depth', f.pctDepth, 1, 100);
    const tty = Boolean(process.stderr.isTTY);
    const r: PctResult = pct(setup, { runs, seed, steps, depth: d, now, maxSeconds: budget.seconds, onProgress: (i, n) => tty && i % 64 === 0 && process.stderr.write(`\rpct: run ${i}/${n}\x1b[K`) });
    if (tty) process.stderr.write('\r\x1b[K');
    const rate = r.seconds > 0 ? Math.round(r.transitions / r.seconds) : 0;
    if (f.json) {
      out(
        JSON.stringify(
          {
            design: spec.design,
            complete: false,
            states: r.transitions,
            transitions: r.transitions,
            seconds: r.seconds,
            statesPerSecond: rate,
            reductionRatio: null,
            violations: r.violations.map((v) => violationJson(setup, v)),
            strategy: 'pct',
            arch: setup.arch.name,
            runs: r.runs,
            seed,
            steps,
            pctDepth: d,
            seeds: r.seeds,
            config: spec,
          },
          null,
          2,
        ),
      );
    } else {
      out(head);
      out(`strategy: PCT, ${r.runs} runs of up to ${steps} steps, d = ${d}, seeds ${seed}..${seed + r.runs - 1}\n`);
      out(`transitions ${fmt(r.transitions)}  ${r.seconds} s  ${fmt(rate)} transitions/s`);
      if (!r.violations.length) out('violations: none found (PCT is random: no violation is not a proof)');
      for (const v of r.violations) printViolation(setup, v, out, `PCT run with seed ${r.seeds[0]}`);
    }
    return r.violations.length ? 1 : 0;
  }

  const prog = progressLine();
  const opts = { depth, preemptions, maxStates: budget.states, maxSeconds: budget.seconds, now, onProgress: prog.update };
  // Non-progress cycles are looked for on the unreduced search (explore/liveness.ts): the ratio's
  // second run, or the only one with --no-reduction; not under a depth or preemption bound.
  const live = depth === undefined && preemptions === undefined;
  // --workers: the records expanded in worker threads (cli/explore-pool.ts); the same search, the same output.
  const asked = f.workers === undefined ? defaultExploreWorkers() : intFlag('--workers', f.workers, 1, 256);
  const fit = workersFor(setup, asked);
  if (fit.why && f.workers !== undefined) process.stderr.write(`lazyswitch explore: --workers ${asked}: searching in one thread: ${fit.why}\n`);
  const r: ExploreResult = await exploreWithWorkers(setup, { ...opts, reduction: f.reduction, liveness: live && !f.reduction }, fit.workers);
  let unreduced: ExploreResult | null = null;
  if (f.reduction && f.ratio && r.complete) {
    unreduced = await exploreWithWorkers(setup, { ...opts, reduction: false, liveness: live && !r.violations.length }, fit.workers);
    r.reductionRatio = Number((unreduced.states / r.states).toFixed(3));
    if (unreduced.liveness) {
      r.liveness = unreduced.liveness;
      if (unreduced.liveness.found) r.violations.push(unreduced.violations[unreduced.violations.length - 1]);
    }
  } else if (!f.reduction && r.complete) r.reductionRatio = 1;
  prog.done();
  if (f.json) {
    out(
      JSON.stringify(
        {
          design: r.design,
          complete: r.complete,
          states: r.states,
          transitions: r.transitions,
          seconds: r.seconds,
          statesPerSecond: r.statesPerSecond,
          reductionRatio: r.reductionRatio,
          violations: r.violations.map((v) => violationJson(setup, v)),
          arch: r.arch,
          maxDepth: r.maxDepth,
          stopped: r.stopped,
          deadlocks: r.deadlocks,
          deadlock: r.deadlock,
          slept: r.slept,
          reduction: r.reduction,
          hashCompact: r.hashCompact,
          tableBytes: r.tableBytes,
          liveness: r.liveness ?? { checked: false, transitions: 0, found: false },
          ...(unreduced ? { unreduced: { complete: unreduced.complete, states: unreduced.states, transitions: unreduced.transitions, seconds: unreduced.seconds } } : {}),
          strategy: 'bfs',
          config: spec,
        },
        null,
        2,
      ),
    );
  } else {
    out(head);
    out(`reductions: ${r.reduction ? 'visited set on the canonical state, symmetry, sleep sets' : 'visited set on the canonical state only (--no-reduction)'}; bounds: ${depth ?? '∞'} depth, ${preemptions ?? '∞'} preemptions, ${budget.states !== undefined ? fmt(budget.states) + ' states' : budget.seconds + ' s'}\n`);
    const why: Record<string, string> = { violation: 'stopped at the first violation', depth: 'cut by the depth bound', preemptions: 'cut by the preemption bound', states: 'state budget spent', time: 'time budget spent' };
    out(`complete: ${r.complete ? 'yes — every reachable state explored' : `no — ${why[r.stopped!]}`}`);
    out(`states ${fmt(r.states)}, transitions ${fmt(r.transitions)}, maximum depth ${r.maxDepth}, ${r.seconds} s, ${fmt(r.statesPerSecond)} states/s`);
    out(`hash-compact visited set: ${r.hashCompact.keyBits}-bit keys, ${fmt(Math.round(r.tableBytes / 1024))} KiB (${Math.round(r.tableBytes / Math.max(1, r.states))} bytes a state); probability of a hash collision (a state taken as visited, never explored) ${r.hashCompact.collisionProbability.toExponential(1)}`);
    if (r.reductionRatio !== null) out(`reduction ratio ${r.reductionRatio}× in states${unreduced ? ` (without reductions: ${fmt(unreduced.states)} states, ${fmt(unreduced.transitions)} transitions${unreduced.complete ? '' : ', budget spent: a lower bound'})` : ''}; ${fmt(r.slept)} transitions slept`);
    if (r.deadlock) {
      out(`deadlocks: ${fmt(r.deadlocks)} states where no pcpu can take a step (not a checker violation); the first after ${r.deadlock.length} choices:`);
      out(`  lazyswitch replay '${r.deadlock.replay}'`);
    }
    out(livenessLine(r, unreduced, f));
    if (!r.violations.length) {
      out('violations: none');
      // Only a complete search is a proof; a cut one says nothing past its bound.
      if (!r.complete) out(`This proves nothing beyond the ${fmt(r.states)} states explored (maximum depth ${r.maxDepth}): the search was ${why[r.stopped!]} before it reached every state. Raise --budget (or drop --depth/--preemptions), or explore a smaller configuration.`);
      else out(`Every interleaving of this configuration keeps every invariant: a proof for it, not for larger ones.`);
    }
    for (const v of r.violations) printViolation(setup, v, out, 'a shortest counterexample');
  }
  return r.violations.length ? 1 : 0;
}
