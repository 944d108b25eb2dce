/**
 * @module explore/replay: replay strings — a header naming the configuration, then the choices'
 * text forms (sim/choice.ts) — and their replay: the same initial state, the same transitions
 * (applyChoice, then the explorer's time normalisation) with the Checker attached.
 *
 *   lazyswitch/explore design=xen-x86-lazy arch=x86-64 sched=rr pcpus=2 domains=int*2,io*1 control=1 | r0 r1 g0:1:3:1:1 …
 *
 * A user's file adds two keys each (after the others; keys are only ever added): the file's
 * absolute path, percent-encoded (no blank, `|` or quote in it), and the first 16 hex digits of
 * its SHA-256, which `lazyswitch replay` checks before it runs the file again:
 *
 *   … design=my-design arch=my-power … designfile=/home/me/my-design.ts designsha256=0123456789abcdef archfile=/home/me/power.yaml archsha256=… | …
 *
 * A design file that imports files of the user's own (`./helpers.ts`) adds importssha256= after
 * designsha256=: one hash over those files (cli/design-imports), checked likewise.
 */
import { Checker, type Violation } from '../check/index.ts';
import { InputError } from '../base/index.ts';
import { DEFAULT_CONTRACT, type ContractName, type HvState, type HvTracer } from '../hv/index.ts';
import { applyChoice, choiceToString, parseChoice, type Choice } from '../sim/index.ts';
import { GUEST_OPS_DEFAULT, enabledFor, initialState, normaliseTime, resolveSpec, type ExploreSetup, type ExploreSpec, type UserFiles } from './model.ts';

const MAGIC = 'lazyswitch/explore';

/** A path as a header value: percent-encoded but for its slashes (a blank, `|` or `'` would end the value, the header or the shell's quotes). */
const encodePath = (p: string) => encodeURIComponent(p).replace(/%2F/gi, '/').replace(/'/g, '%27');

function decodePath(key: string, v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    throw new InputError('replay', [{ where: 'replay string', message: `${key}=${v} is not a percent-encoded path` }]);
  }
}

export function specHeader(s: ExploreSpec): string {
  const files = `${s.designFile !== undefined ? ` designfile=${encodePath(s.designFile)} designsha256=${s.designSha256 ?? ''}${s.importsSha256 !== undefined ? ` importssha256=${s.importsSha256}` : ''}` : ''}${s.archFile !== undefined ? ` archfile=${encodePath(s.archFile)} archsha256=${s.archSha256 ?? ''}` : ''}`;
  return `${MAGIC} design=${s.design} arch=${s.arch} sched=${s.sched} pcpus=${s.pcpus} domains=${s.domains} control=${s.control ? 1 : 0} ops=${(s.ops ?? GUEST_OPS_DEFAULT).join(',')}${s.ctl ? ` ctl=${s.ctl.join(',')}` : ''}${s.contract && s.contract !== DEFAULT_CONTRACT ? ` contract=${s.contract}` : ''}${files}`;
}

export function replayString(s: ExploreSpec, trace: string): string {
  return `${specHeader(s)} | ${trace}`;
}

export interface ParsedReplay {
  spec: ExploreSpec;
  choices: Choice[];
}

export function parseReplay(text: string): ParsedReplay {
  const bad = (message: string) => new InputError('replay', [{ where: 'replay string', message }]);
  const bar = text.indexOf('|');
  if (bar < 0) throw bad(`expected "${MAGIC} key=value … | choice choice …"`);
  const head = text.slice(0, bar).trim().split(/\s+/);
  if (head[0] !== MAGIC) throw bad(`the header must start with "${MAGIC}", not "${head[0] ?? ''}"`);
  const kv: Record<string, string> = {};
  for (const part of head.slice(1)) {
    const m = /^([a-z][a-z0-9]*)=(.+)$/.exec(part);
    if (!m) throw bad(`"${part}" is not key=value`);
    kv[m[1]] = m[2];
  }
  for (const k of ['design', 'arch', 'sched', 'pcpus', 'domains']) if (kv[k] === undefined) throw bad(`the header names no ${k}=`);
  if (!/^\d+$/.test(kv.pcpus)) throw bad(`pcpus=${kv.pcpus} is not a whole number`);
  const spec: ExploreSpec = { design: kv.design, arch: kv.arch, sched: kv.sched, pcpus: Number(kv.pcpus), domains: kv.domains, control: kv.control !== '0', ...(kv.ops ? { ops: kv.ops.split(',') } : {}), ...(kv.ctl ? { ctl: kv.ctl.split(',') } : {}), ...(kv.contract ? { contract: kv.contract as ContractName } : {}) };
  for (const [file, sha] of [['designfile', 'designsha256'], ['archfile', 'archsha256']] as const) {
    if ((kv[file] === undefined) !== (kv[sha] === undefined)) throw bad(`${kv[file] === undefined ? sha : file}= needs ${kv[file] === undefined ? file : sha}= beside it`);
    if (kv[sha] !== undefined && !/^[0-9a-f]{16}$/.test(kv[sha])) throw bad(`${sha}=${kv[sha]} is not 16 hex digits`);
  }
  if (kv.importssha256 !== undefined) {
    if (kv.designfile === undefined) throw bad('importssha256= needs designfile= beside it');
    if (!/^[0-9a-f]{16}$/.test(kv.importssha256)) throw bad(`importssha256=${kv.importssha256} is not 16 hex digits`);
  }
  if (kv.designfile !== undefined) Object.assign(spec, { designFile: decodePath('designfile', kv.designfile), designSha256: kv.designsha256, ...(kv.importssha256 !== undefined ? { importsSha256: kv.importssha256 } : {}) });
  if (kv.archfile !== undefined) Object.assign(spec, { archFile: decodePath('archfile', kv.archfile), archSha256: kv.archsha256 });
  const toks = text.slice(bar + 1).trim().split(/\s+/).filter(Boolean);
  const choices = toks.map((t, i) => parseChoice(t, `choice ${i + 1}`));
  return { spec, choices };
}

export interface ReplayResult {
  setup: ExploreSetup;
  /** Choices applied (up to and including the first violating one). */
  steps: number;
  violations: Violation[];
  /** Index (0-based) of the choice whose step produced the first violation, or -1. */
  violationAt: number;
  final: HvState;
}

function sameChoice(a: Choice, b: Choice): boolean {
  return choiceToString(a) === choiceToString(b);
}

/**
 * Replay choices from the initial state of `setup`, checker on, stopping after the first step
 * that produced a violation. `onStep(i, before, choice)` runs before each step (the story
 * uses it). A choice that is not enabled is an input error naming it.
 */
export function replayChoices(setup: ExploreSetup, choices: Choice[], o: { tracer?: HvTracer | null; onStep?: (i: number, st: HvState, c: Choice) => void } = {}): ReplayResult {
  const st = initialState(setup, o.tracer ?? null);
  const checker = new Checker();
  st.cfg.observer = checker;
  let violationAt = -1;
  let i = 0;
  for (; i < choices.length; i++) {
    const c = choices[i];
    if (!enabledFor(setup, st).some((e) => sameChoice(e, c))) {
      throw new InputError('replay', [{ where: `choice ${i + 1}`, message: `"${choiceToString(c)}" is not enabled after the ${i} choice(s) before it` }]);
    }
    o.onStep?.(i, st, c);
    applyChoice(st, c);
    normaliseTime(st);
    if (checker.total > 0) {
      violationAt = i;
      i++;
      break;
    }
  }
  st.cfg.observer = null;
  return { setup, steps: i, violations: checker.violations, violationAt, final: st };
}

/** Replay a replay string; one naming user files (designfile=, archfile=) needs them loaded (`files`, as resolveSpec takes them). */
export function replay(text: string, tracer?: HvTracer | null, files: UserFiles = {}): ReplayResult {
  const r = parseReplay(text);
  return replayChoices(resolveSpec(r.spec, files), r.choices, { tracer });
}
