/**
 * @module cli/explain: `lazyswitch explain ppc|x86|ARCH` — every design that runs on the
 * architecture, on the default scenario, in one table: correct or not, cost per exception, cost
 * per switch, overhead; and the answer in words. `--contract all`: the designs × contracts
 * matrix of issue 10 (history/matrix) instead.
 */
import { CONTRACT_NAMES, DEFAULT_CONTRACT, DESIGNS, getScheduler, servesContract, type ContractName } from '../hv/index.ts';
import { runOne } from '../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains, parseTime } from '../scenario/index.ts';
import { contractMatrix } from '../history/index.ts';
import { explainAnswer, explainRows, matrixLegend, matrixReading, renderExplainTable, renderMatrixTable, renderMatrixViolations, type ExplainDocument } from '../report/index.ts';
import { InputError } from '../base/index.ts';
import { contractFlag, intFlag, resolveArch } from './args.ts';
import { loadDesignFile } from './design-file.ts';
import type { SwitchDesign } from '../hv/index.ts';
import { Progress } from './progress.ts';
import type { Arch } from '../arch/index.ts';

export interface ExplainFlags {
  pcpus: string;
  domains: string;
  sched: string;
  time: string;
  seed: string;
  json?: boolean;
  contract: string;
  controlRate?: string;
  budget?: string;
  /** Users' design files, shown beside the built-in designs. */
  designFile?: string[];
}

const ALIASES: Record<string, string> = { ppc: 'ppc64', x86: 'x86-64', arm: 'arm64', riscv: 'riscv64' };

/** explain's argument: an alias, a built-in architecture or a file — blamed on the argument, not on an --arch never typed. */
function explainTarget(target: string): Arch {
  try {
    return resolveArch(ALIASES[target] ?? target);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const aliases = Object.keys(ALIASES).join(', ');
    throw new InputError('explain', e.issues.map((i) => ({ where: 'explain', message: `${i.message.replace(/; expected one of /, `; expected ${aliases}, or one of `)}` })));
  }
}

export async function explainCommand(target: string, f: ExplainFlags, out: (s: string) => void): Promise<void> {
  const arch = explainTarget(target);
  const fromFiles: SwitchDesign[] = [];
  for (const file of f.designFile ?? []) fromFiles.push(await loadDesignFile(file));
  const pcpus = intFlag('--pcpus', f.pcpus, 1, 31);
  const domains = parseDomains(f.domains);
  const sched = getScheduler(f.sched);
  const seconds = parseTime(f.time);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const all = f.contract === 'all';
  const controlHz = intFlag('--control-rate', f.controlRate ?? (all ? '2000' : '0'), 0, 1_000_000);
  if (all && fromFiles.length) throw new InputError('--design-file', [{ where: '--design-file', message: 'not with --contract all (the matrix of the built-in designs and their forms under each contract)' }]);
  if (all) return explainMatrix(f, out, { arch, pcpus, domains, sched, seconds, seed, controlHz });
  if (f.budget !== undefined) throw new InputError('--budget', [{ where: '--budget', message: 'only with --contract all (the explorer budget of each matrix cell)' }]);
  const contract = contractFlag(f.contract);
  // The designs written for the contract, and those kept broken on purpose (shown to be caught).
  // A user's design file is shown beside them, and must run on the architecture.
  for (const d of fromFiles) {
    const ok = d.supports(arch);
    if (ok !== true) throw new InputError('--design-file', [{ where: '--design-file', message: `${d.name} does not support ${arch.name}: ${ok}` }]);
  }
  const designs = [...DESIGNS.filter((d) => d.supports(arch) === true && (d.broken || servesContract(d, contract))), ...fromFiles];
  const progress = new Progress(`lazyswitch explain ${arch.name}`);
  const results = designs.map((design, i) =>
    runOne({ arch, design, sched, pcpus, domains, seconds, seed, controlHz, contract, onProgress: (fr) => progress.update((i + fr) / designs.length, design.name) }),
  );
  progress.done();
  const rows = explainRows(arch, results, Object.fromEntries(designs.map((d) => [d.name, d.summary])));
  const doc: ExplainDocument = {
    arch: arch.name,
    scenario: { pcpus, domains, sched: sched.name, seconds, seed, ...(controlHz ? { controlHz } : {}), ...(contract !== DEFAULT_CONTRACT ? { contract } : {}) },
    designs: rows,
    answer: explainAnswer(arch.name, rows),
  };
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    return;
  }
  out(`lazyswitch explain ${arch.name}: ${pcpus} pcpus, ${domains.map((d) => `${d.vcpus}×${d.profile}`).join(', ')}, ${sched.name}, ${seconds}s simulated, seed ${seed}${controlHz ? `, ${controlHz} control ops/s` : ''}${contract !== DEFAULT_CONTRACT ? `, contract ${contract}` : ''}\n`);
  out(renderExplainTable(rows));
  out('\n"<path> words": what the entry stub stores per exception on that path.');
  out('cycles/exception: entry stores + C-frame spills + the trap; switch cycles/switch: saves, restores, address-space switch, schedule(), IPIs — not entries and traps, which `run`\'s "hypervisor cycles per switch" includes.\n');
  for (const d of designs) out(`  ${d.name.padEnd(30)} ${d.summary}`);
  out(`\n${doc.answer}`);
}

/**
 * Explorer states per matrix cell: enough for the deepest counterexample the matrix shows (the
 * 2005 x86 form under today's contract: 18 choices, found after 5,533 states on ppc64).
 */
export const DEFAULT_BUDGET = '6000';

function explainMatrix(f: ExplainFlags, out: (s: string) => void, o: Omit<Parameters<typeof contractMatrix>[0], 'budget'>): void {
  const budget = intFlag('--budget', f.budget ?? DEFAULT_BUDGET, 1, 10_000_000);
  const progress = new Progress(`lazyswitch explain ${o.arch.name} --contract all`);
  const doc = contractMatrix({ ...o, budget, onProgress: (fr, label) => progress.update(fr, label) });
  progress.done();
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    return;
  }
  const r = doc.scenario.random;
  const e = doc.scenario.explorer;
  out(`lazyswitch explain ${doc.arch} --contract all: every design under each generation of the scheduler interface`);
  out(`random: ${r.pcpus} pcpus, ${r.domains.map((d) => `${d.vcpus}×${d.profile}`).join(', ')}, ${r.sched}, ${r.seconds}s, seed ${r.seed}, ${r.controlHz} control ops/s; explorer: ${e.pcpus} pcpus, ${e.domains}, ${e.sched}, guest ops ${e.ops.join(' and ')}, ${budget.toLocaleString('en-US')} states per cell\n`);
  for (const c of doc.contracts) out(`  ${c.name.padEnd(11)} ${c.commit}\n  ${''.padEnd(11)} ${c.summary}`);
  out('');
  out(renderMatrixTable(doc));
  out(`\n${matrixLegend(doc)}\n`);
  const v = renderMatrixViolations(doc);
  if (v) out(`${v}\n`);
  out(matrixReading(doc));
}

export { DEFAULT_DOMAINS, CONTRACT_NAMES, type ContractName };
