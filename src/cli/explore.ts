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
import { DEFAULT_SPEC, GUEST_OPS_DEFAULT, explore, pct, resolveSpec, tellStory, mutantSpec, type ExploreResult, type ExploreSpec, type FoundViolation, type PctResult } from '../explore/index.ts';
import { MUTANTS } from '../mutants/index.ts';
import { contractFlag, intFlag } from './args.ts';
import { CONTRACT_NAMES, DEFAULT_CONTRACT } from '../hv/index.ts';

export interface ExploreFlags {
  design?: string;
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

/** --budget: a whole number of states, or a duration (10s, 500ms, 2m → seconds). */
export function parseBudget(text: string): { states?: number; seconds?: number } {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { states: intFlag('--budget', t, 1, 1e9) };
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/.exec(t);
  if (!m) throw new InputError('--budget', [{ where: '--budget', message: `"${text}" is neither a number of states (e.g. 500000) nor a time (e.g. 30s, 2m)` }]);
  const mult: Record<string, number> = { ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };
  return { seconds: Number(m[1]) * mult[m[2]] };
}

function specFrom(f: ExploreFlags, cfg: ConfigFile): ExploreSpec {
  const design = f.design ?? cfg.design ?? DEFAULT_SPEC.design;
  const base = MUTANTS.some((m) => m.name === design) ? mutantSpec(design) : { ...DEFAULT_SPEC, design };
  return {
    design,
    arch: f.arch ?? cfg.arch ?? base.arch,
    sched: f.sched ?? cfg.sched ?? base.sched,
    pcpus: f.pcpus !== undefined ? intFlag('--pcpus', f.pcpus, 1, 8) : (cfg.pcpus ?? base.pcpus),
    domains: f.domains ?? cfg.domains ?? base.domains,
    control: f.control === false ? false : (cfg.control ?? base.control),
    ops: f.ops !== undefined ? f.ops.split(',').map((s) => s.trim()).filter(Boolean) : (cfg.ops ?? base.ops ?? GUEST_OPS_DEFAULT),
    ...(f.ctl !== undefined ? { ctl: f.ctl.split(',').map((s) => s.trim()).filter(Boolean) } : cfg.ctl ? { ctl: cfg.ctl } : base.ctl ? { ctl: base.ctl } : {}),
    ...(f.contract !== undefined ? { contract: contractFlag(f.contract) } : cfg.contract ? { contract: cfg.contract } : base.contract ? { contract: base.contract } : {}),
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

function violationJson(spec: ExploreSpec, v: FoundViolation) {
  const story = tellStory(resolveSpec(spec), v.choices);
  return { invariant: v.invariant, trace: v.trace, replay: v.replay, message: v.message, length: v.choices.length, story: story.lines };
}

function printViolation(spec: ExploreSpec, v: FoundViolation, out: (s: string) => void, label: string): void {
  out(`\nVIOLATION of ${v.invariant} after ${v.choices.length} choices (${label}):\n`);
  out(tellStory(resolveSpec(spec), v.choices).text);
  out(`\nreplay it:\n  lazyswitch replay '${v.replay}'`);
}

export function exploreCommand(f: ExploreFlags, out: (s: string) => void): number {
  const cfg = f.config ? readConfig(f.config) : {};
  const spec = specFrom(f, cfg);
  const setup = resolveSpec(spec);
  const budget = parseBudget(f.budget ?? (cfg.budget !== undefined ? String(cfg.budget) : '1000000'));
  const depth = f.depth !== undefined ? intFlag('--depth', f.depth, 1, 1e6) : cfg.depth;
  const preemptions = f.preemptions !== undefined ? intFlag('--preemptions', f.preemptions, 0, 1e6) : cfg.preemptions;
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
            violations: r.violations.map((v) => violationJson(spec, v)),
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
      for (const v of r.violations) printViolation(spec, v, out, `PCT run with seed ${r.seeds[0]}`);
    }
    return r.violations.length ? 1 : 0;
  }

  const prog = progressLine();
  const opts = { depth, preemptions, maxStates: budget.states, maxSeconds: budget.seconds, now, onProgress: prog.update };
  const r: ExploreResult = explore(setup, { ...opts, reduction: f.reduction });
  let unreduced: ExploreResult | null = null;
  if (f.reduction && f.ratio && r.complete) {
    unreduced = explore(setup, { ...opts, reduction: false });
    r.reductionRatio = Number((unreduced.states / r.states).toFixed(3));
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
          violations: r.violations.map((v) => violationJson(spec, v)),
          arch: r.arch,
          maxDepth: r.maxDepth,
          stopped: r.stopped,
          deadlocks: r.deadlocks,
          deadlock: r.deadlock,
          slept: r.slept,
          reduction: r.reduction,
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
    if (r.reductionRatio !== null) out(`reduction ratio ${r.reductionRatio}× in states${unreduced ? ` (without reductions: ${fmt(unreduced.states)} states, ${fmt(unreduced.transitions)} transitions${unreduced.complete ? '' : ', budget spent: a lower bound'})` : ''}; ${fmt(r.slept)} transitions slept`);
    if (r.deadlock) {
      out(`deadlocks: ${fmt(r.deadlocks)} states where no pcpu can take a step (not a checker violation); the first after ${r.deadlock.length} choices:`);
      out(`  lazyswitch replay '${r.deadlock.replay}'`);
    }
    if (!r.violations.length) out('violations: none');
    for (const v of r.violations) printViolation(spec, v, out, 'a shortest counterexample');
  }
  return r.violations.length ? 1 : 0;
}
