/**
 * @module cli/mutants: `lazyswitch mutants` — the mutation suite, one row per mutant, and the
 * score: each mutant run by the random driver and, unless --no-explore, explored exhaustively
 * from the smallest configuration that exposes it (explore/mutantSpec), with the length of its
 * shortest counterexample (issue 7: "report the length of each counterexample").
 */
import { explore, mutantSpec, resolveSpec, type ExploreSpec, type UserFiles } from '../explore/index.ts';
import { MUTANTS, runMutant, runMutants, type Mutant, type MutantsDocument } from '../mutants/index.ts';
import { getArch, type Arch } from '../arch/index.ts';
import { credit } from '../hv/sched/credit/index.ts';
import { InputError } from '../base/index.ts';
import { loadDesignFileHashed, type LoadedDesignFile } from './design-file.ts';
import { archFileSpec, designFileSpec, isArchFile, loadArchFile } from './user-files.ts';
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
  /** Users' own broken designs: with them, the suite is theirs (the built-in mutants are `mutants` without it). */
  designFile?: string[];
  /** The architecture the --design-file mutants run on (default x86-64): a built-in name or a file. */
  arch?: string;
}

/** A user's broken design as a mutant: the scenario most built-in mutants run in (credit, 4 pcpus, io*6,vector*2), explored from the small configuration. */
function userMutant(d: LoadedDesignFile, arch: Arch): Mutant {
  const m = MUTANTS[0];
  return { name: d.design.name, description: d.design.summary, history: `your design file ${d.path}`, arch: arch.name, design: d.design, sched: credit, domains: 'io*6,vector*2', pcpus: m.pcpus, controlHz: 0, explore: { domains: 'int*2', ops: ['hypercall', 'block'], control: false } };
}

export async function mutantsCommand(f: MutantsFlags, out: (s: string) => void): Promise<number> {
  const seconds = parseTime(f.time);
  const maxSteps = intFlag('--steps', f.steps, 1, 1e9);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  if (f.arch !== undefined && !f.designFile?.length) throw new InputError('--arch', [{ where: '--arch', message: 'the architecture of --design-file mutants; the built-in mutants each run on their own' }]);
  // Users' mutants: each file's design, on --arch, explored with the file named by path and hash (its replay string reproduces).
  const userArch = f.arch === undefined ? null : isArchFile(f.arch) ? loadArchFile(f.arch) : null;
  const arch = userArch ? userArch.arch : getArch(f.arch ?? 'x86-64');
  const users: { mutant: Mutant; spec: ExploreSpec; files: UserFiles }[] = [];
  for (const file of f.designFile ?? []) {
    const d = await loadDesignFileHashed(file);
    const ok = d.design.supports(arch);
    if (ok !== true) throw new InputError('--design-file', [{ where: '--design-file', message: `${d.design.name} does not support ${arch.name}: ${ok}` }]);
    const mutant = userMutant(d, arch);
    const e = mutant.explore;
    const spec: ExploreSpec = { ...designFileSpec(d), arch: arch.name, ...(userArch ? archFileSpec(userArch) : {}), sched: 'rr', pcpus: 2, domains: e.domains, control: e.control, ops: e.ops };
    users.push({ mutant, spec, files: { design: d.design, ...(userArch ? { arch: userArch.arch } : {}) } });
  }
  const progress = new Progress('lazyswitch mutants');
  const share = f.explore ? 0.7 : 1;
  let random: MutantsDocument;
  if (users.length) {
    const mutants = users.map((u, i) => {
      progress.update((share * i) / users.length);
      return runMutant(u.mutant, seconds, maxSteps, seed, arch);
    });
    random = { budget: { seconds, maxSteps, seed }, mutants, score: Number((mutants.filter((m) => m.caught).length / mutants.length).toFixed(4)) };
  } else random = runMutants({ seconds, maxSteps, seed, onEach: (i, n) => progress.update((share * i) / n) });
  // The explorer, from each mutant's own configuration, within explore's default budget.
  const doc = {
    ...random,
    mutants: random.mutants.map((m, i) => {
      if (!f.explore) return m;
      progress.update(share + ((1 - share) * i) / random.mutants.length, m.name);
      const r = users.length ? explore(resolveSpec(users[i].spec, users[i].files), { maxStates: EXPLORE_DEFAULT_BUDGET }) : explore(resolveSpec(mutantSpec(m.name)), { maxStates: EXPLORE_DEFAULT_BUDGET });
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
    if (f.explore) out(`\nexplorer: each mutant explored breadth first from ${users.length ? 'int*2, hypercalls and blocks (lazyswitch explore --design-file FILE --domains int*2 --no-control --ops hypercall,block)' : 'the smallest configuration that exposes it (lazyswitch explore --design MUTANT)'}, up to ${EXPLORE_DEFAULT_BUDGET.toLocaleString('en-US')} states; choices = the length of its shortest counterexample.`);
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
