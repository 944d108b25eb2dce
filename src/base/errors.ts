/**
 * @module base/errors: the four kinds of failure, never mixed (reference/style.md §7).
 * - InputError: bad user input (CLI flag, architecture or scenario file, trace); the CLI prints
 *   it and exits 2. It names the field (or line) and what was expected.
 * - UnsupportedError: a switch design or scheduler that declines an architecture or scenario.
 * - Violation (check/): a finding about the modelled design; data, never thrown.
 * - ModelBugError: the simulator itself broke one of its own invariants; thrown by invariant().
 */

export interface InputIssue {
  /** Where: a dotted field path ("classes[2].widthBits"), a flag ("--pcpus") or "line 12". */
  where: string;
  /** What was expected, in words. */
  message: string;
}

export class InputError extends Error {
  readonly issues: InputIssue[];
  constructor(source: string, issues: InputIssue[]) {
    // An issue at the source itself (a flag's value) is named once: "--domains: …", not "--domains: --domains: …".
    super(`${source}: ${issues.map((i) => (i.where === source ? i.message : `${i.where}: ${i.message}`)).join('; ')}`);
    this.name = 'InputError';
    this.issues = issues;
  }
}

export class UnsupportedError extends Error {
  constructor(
    readonly strategy: string,
    readonly reason: string,
  ) {
    super(`${strategy}: ${reason}`);
    this.name = 'UnsupportedError';
  }
}

export class ModelBugError extends Error {
  constructor(message: string) {
    super(`model bug: ${message}`);
    this.name = 'ModelBugError';
  }
}

/** Assert a simulator invariant; the sentence names it, like Xen's ASSERT or seL4's stateAssert. */
export function invariant(cond: unknown, sentence: string): asserts cond {
  if (!cond) throw new ModelBugError(sentence);
}

/**
 * A broken simulator invariant, for the hot path: `if (!cond) modelBug(`…${x}…`)` builds its
 * sentence only when it is broken (an `invariant(cond, `…`)` argument is built on every call).
 */
export function modelBug(sentence: string): never {
  throw new ModelBugError(sentence);
}
