/**
 * @module explore/every: every built-in switch design explored exhaustively, one after another,
 * on the small configuration (SMALL_SPEC) — the "the correct designs must explore to
 * completion with 0 violations" as one table (`lazyswitch explore --design all`).
 *
 * Each design runs on its first supported architecture of x86-64, ppc64, arm64, riscv64 (or the
 * one asked for), under the selected contract (its own older form where it has one, as
 * everywhere). The designs with lazily switched units (FPU_DESIGNS) get guests that use them
 * (`fp*2`): with the integer-only guests of SMALL_SPEC their unit code would never run.
 * What a row is expected to show: a correct design, written for the contract, explores to
 * completion with no violation and no deadlock; a design kept broken on purpose is caught; a
 * design explored under a contract it is not written for may break it (xen-x86-lazy-2005 under
 * today's: no pull, invariant 6) — shown, not counted as a failure.
 */
import { getArch } from '../arch/index.ts';
import { CONTRACT_NAMES, DEFAULT_CONTRACT, DESIGNS, FPU_DESIGNS, designFor, servesContract, type ContractName, type SwitchDesign } from '../hv/index.ts';
import { InputError } from '../base/index.ts';
import { explore, type ExploreOptions, type ExploreResult } from './explorer.ts';
import { SMALL_SPEC, resolveSpec, type ExploreSpec } from './model.ts';

export const EVERY_ARCHS = ['x86-64', 'ppc64', 'arm64', 'riscv64'];

/** States per design when none is given: the small configuration has 20,000–50,000 for most. */
export const EVERY_DEFAULT_BUDGET = 100_000;

export interface EveryRow {
  design: string;
  /** The older form that runs in the design's place under the contract (xen-x86-lazy-2005), or null. */
  form: string | null;
  spec: ExploreSpec;
  /** What the row should show (see the module comment). */
  expected: 'correct' | 'broken' | 'other-contract';
  /** Whether it did: a correct design complete without violation or deadlock; a broken one caught. Null: the budget ran out first, nothing shown either way. */
  asExpected: boolean | null;
  result: ExploreResult;
}

/** The spec for one design: SMALL_SPEC, its architecture and guests, then the caller's overrides. */
export function everySpec(d: SwitchDesign, over: Partial<ExploreSpec> = {}): ExploreSpec | null {
  const archs = over.arch ? [over.arch] : EVERY_ARCHS;
  const arch = archs.find((a) => d.supports(getArch(a)) === true);
  if (!arch) return null;
  const domains = FPU_DESIGNS.includes(d) ? 'fp*2' : SMALL_SPEC.domains;
  return { ...SMALL_SPEC, domains, ...over, design: d.name, arch };
}

export function expectation(d: SwitchDesign, contract: ContractName): EveryRow['expected'] {
  if (d.broken) return 'broken';
  return servesContract(d, contract) ? 'correct' : 'other-contract';
}

/** Whether a row shows what it should (EveryRow.asExpected). */
function judge(expected: EveryRow['expected'], r: ExploreResult): boolean | null {
  const caught = r.violations.length > 0 || r.deadlocks > 0;
  if (expected === 'broken') return caught ? true : r.complete ? false : null;
  if (caught) return expected === 'correct' ? false : null; // under another contract a design may break it
  return r.complete ? true : null; // the budget ran out: nothing shown either way
}

/** Every design (on `over.arch` only those that support it; of `only`, when given), each explored to `options`' bounds. */
export function exploreEvery(over: Partial<ExploreSpec>, options: ExploreOptions, onDesign?: (i: number, n: number, design: string) => void, only?: readonly string[]): EveryRow[] {
  const contract = over.contract ?? DEFAULT_CONTRACT;
  if (!CONTRACT_NAMES.includes(contract)) throw new InputError('--contract', [{ where: '--contract', message: `unknown contract "${contract}"; expected one of ${CONTRACT_NAMES.join(', ')}` }]);
  const plan = DESIGNS.filter((d) => !only || only.includes(d.name))
    .map((d) => ({ d, spec: everySpec(d, over) })).filter((x): x is { d: SwitchDesign; spec: ExploreSpec } => x.spec !== null);
  if (!plan.length) throw new InputError('--arch', [{ where: '--arch', message: `no built-in design supports ${over.arch}` }]);
  return plan.map(({ d, spec }, i) => {
    onDesign?.(i, plan.length, d.name);
    const result = explore(resolveSpec(spec), options);
    const expected = expectation(d, contract);
    const form = designFor(d, contract).name;
    return { design: d.name, form: form === d.name ? null : form, spec, expected, asExpected: judge(expected, result), result };
  });
}
