/**
 * @module cli/mutants: `lazyswitch mutants` — the mutation suite, one row per mutant, and the
 * score: each mutant run by the random driver and, unless --no-explore, explored exhaustively
 * from the smallest configuration that exposes it (explore/mutantSpec), with the length of its
 * shortest counterexample (issue 7: "report the length of each counterexample").
 */
import { explore, mutantSpec, resolveSpec } from '../explore/index.ts';
import { runMutants } from '../mutants/index.ts';
import { EXPLORE_DEFAULT_BUDGET } from './explore.ts';
import { renderTable } from '../report/index.ts';
import { parseTime } from '../scenario/index.ts';
import { intFlag } from './args.ts';
import { Progress } from './progress.ts';

export interface MutantsFlags {
  json?: boolean;
  explore: boolean;
  time: string;
  steps: string;
  seed: string;
}

export function mutantsCommand(f: MutantsFlags, out: (s: string) => void): number {
  const seconds = parseTime(f.time);
  const maxSteps = intFlag('--steps', f.steps, 1, 1e9);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const progress = new Progress('lazyswitch mutants');
  const share = f.explore ? 0.7 : 1;
  const random = runMutants({ seconds, maxSteps, seed, onEach: (i, n) => progress.update((share * i) / n) });
  // The explorer, from each mutant's own configuration, within explore's default budget.
  const doc = {
    ...random,
    mutants: random.mutants.map((m, i) => {
      if (!f.explore) return m;
      progress.update(share + ((1 - share) * i) / random.mutants.length, m.name);
      const spec = mutantSpec(m.name);
      const r = explore(resolveSpec(spec), { maxStates: EXPLORE_DEFAULT_BUDGET });
      const v = r.violations[0];
      return { ...m, explored: { caught: Boolean(v), choices: v ? v.choices.length : null, states: r.states, invariant: v?.invariant ?? null, replay: v?.replay ?? null } };
    }),
  };
  progress.done();
  const escaped = doc.mutants.filter((m) => 'explored' in m && !m.explored.caught);
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
  } else {
    out(`lazyswitch mutants: budget ${seconds}s simulated or ${maxSteps.toLocaleString('en-US')} steps each, seed ${seed}\n`);
    const ex = (m: (typeof doc.mutants)[number]) => ('explored' in m ? m.explored : null);
    out(
      renderTable(
        ['mutant', 'arch', 'caught', 'steps', 'invariant', ...(f.explore ? ['explorer', 'choices', 'states'] : [])],
        doc.mutants.map((m) => {
          const e = ex(m);
          const explored = e ? [e.caught ? 'yes' : 'NO', e.choices ?? '-', e.states] : [];
          return [m.name, m.arch, m.caught ? 'yes' : 'NO', m.steps, m.violation?.invariant ?? '-', ...explored];
        }),
      ),
    );
    if (f.explore) out(`\nexplorer: each mutant explored breadth first from the smallest configuration that exposes it (lazyswitch explore --design MUTANT), up to ${EXPLORE_DEFAULT_BUDGET.toLocaleString('en-US')} states; choices = the length of its shortest counterexample.`);
    out('');
    // Each mutant's whole story, its first violation included, wrapped rather than cut.
    for (const m of doc.mutants) {
      out(wrap(`${m.name}: ${m.description}. ${m.history}.`, '  ', '    '));
      if (m.violation) out(wrap(`first violation: ${m.violation.message}`, '    ', '      '));
    }
    out(`\nmutation score: ${doc.mutants.filter((m) => m.caught).length}/${doc.mutants.length} = ${doc.score}`);
  }
  return doc.score === 1 && !escaped.length ? 0 : 1;
}

/** Wrap text at word boundaries to 100 columns, the first line indented by `first`, the others by `rest`. */
function wrap(text: string, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  for (const w of text.split(' ')) {
    if (line.length + w.length + 1 > 100 && line.trim()) {
      lines.push(line.trimEnd());
      line = rest;
    }
    line += (line.trim() ? ' ' : '') + w;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}
