/**
 * @module cli/explain: `lazyswitch explain ppc|x86|ARCH` — every design that runs on the
 * architecture, on the default scenario, in one table: correct or not, cost per exception, cost
 * per switch, overhead; and the answer in words.
 */
import { DESIGNS, getScheduler } from '../hv/index.ts';
import { runOne } from '../sim/index.ts';
import { DEFAULT_DOMAINS, parseDomains, parseTime } from '../scenario/index.ts';
import { explainAnswer, explainRows, renderExplainTable, type ExplainDocument } from '../report/index.ts';
import { intFlag, resolveArch } from './args.ts';
import { Progress } from './progress.ts';

export interface ExplainFlags {
  pcpus: string;
  domains: string;
  sched: string;
  time: string;
  seed: string;
  json?: boolean;
}

const ALIASES: Record<string, string> = { ppc: 'ppc64', x86: 'x86-64', arm: 'arm64', riscv: 'riscv64' };

export function explainCommand(target: string, f: ExplainFlags, out: (s: string) => void): void {
  const arch = resolveArch(ALIASES[target] ?? target);
  const pcpus = intFlag('--pcpus', f.pcpus, 1, 31);
  const domains = parseDomains(f.domains);
  const sched = getScheduler(f.sched);
  const seconds = parseTime(f.time);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const designs = DESIGNS.filter((d) => d.supports(arch) === true);
  const progress = new Progress(`lazyswitch explain ${arch.name}`);
  const results = designs.map((design, i) =>
    runOne({ arch, design, sched, pcpus, domains, seconds, seed, onProgress: (fr) => progress.update((i + fr) / designs.length, design.name) }),
  );
  progress.done();
  const rows = explainRows(arch, results, Object.fromEntries(designs.map((d) => [d.name, d.summary])));
  const doc: ExplainDocument = {
    arch: arch.name,
    scenario: { pcpus, domains, sched: sched.name, seconds, seed },
    designs: rows,
    answer: explainAnswer(arch.name, rows),
  };
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    return;
  }
  out(`lazyswitch explain ${arch.name}: ${pcpus} pcpus, ${domains.map((d) => `${d.vcpus}×${d.profile}`).join(', ')}, ${sched.name}, ${seconds}s simulated, seed ${seed}\n`);
  out(renderExplainTable(rows));
  out('\n"<path> words": what the entry stub stores per exception on that path.');
  out('cycles/exception: entry stores + C-frame spills + the trap; cycles/switch: saves, restores, address-space switch, schedule(), IPIs.\n');
  for (const d of designs) out(`  ${d.name.padEnd(30)} ${d.summary}`);
  out(`\n${doc.answer}`);
}

export { DEFAULT_DOMAINS };
