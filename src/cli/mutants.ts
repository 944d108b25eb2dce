/** @module cli/mutants: `lazyswitch mutants` — the mutation suite, one row per mutant, and the score. */
import { runMutants } from '../mutants/index.ts';
import { renderTable } from '../report/index.ts';
import { parseTime } from '../scenario/index.ts';
import { intFlag } from './args.ts';
import { Progress } from './progress.ts';

export interface MutantsFlags {
  json?: boolean;
  time: string;
  steps: string;
  seed: string;
}

export function mutantsCommand(f: MutantsFlags, out: (s: string) => void): number {
  const seconds = parseTime(f.time);
  const maxSteps = intFlag('--steps', f.steps, 1, 1e9);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const progress = new Progress('lazyswitch mutants');
  const doc = runMutants({ seconds, maxSteps, seed, onEach: (i, n) => progress.update(i / n) });
  progress.done();
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
  } else {
    out(`lazyswitch mutants: budget ${seconds}s simulated or ${maxSteps.toLocaleString('en-US')} steps each, seed ${seed}\n`);
    out(
      renderTable(
        ['mutant', 'arch', 'caught', 'steps', 'invariant', 'first violation'],
        doc.mutants.map((m) => [m.name, m.arch, m.caught ? 'yes' : 'NO', m.steps, m.violation?.invariant ?? '-', (m.violation?.message ?? '').slice(0, 110)]),
      ),
    );
    out('');
    for (const m of doc.mutants) out(`  ${m.name}: ${m.description}. ${m.history}.`);
    out(`\nmutation score: ${doc.mutants.filter((m) => m.caught).length}/${doc.mutants.length} = ${doc.score}`);
  }
  return doc.score === 1 ? 0 : 1;
}
