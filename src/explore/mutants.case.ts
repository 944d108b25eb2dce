/**
 * @module explore/mutants.case: the mutation suite caught exhaustively — each mutant explored
 * from its own configuration (mutantSpec: the catalogue's `explore` entry, what `lazyswitch
 * explore --design NAME` starts from) breaks the invariant CAUGHT names, with a shortest
 * counterexample of at most 30 steps. Shared by explore.test.ts (`npm test`) and
 * mutants.long.test.ts (`npm run test:long`: the mutants whose search takes a minute here).
 */
import { expect, it } from 'vitest';
import { explore, mutantSpec, resolveSpec } from './index.ts';

/**
 * The invariant the shortest counterexample of each mutant breaks, when explored from its own
 * configuration (mutantSpec: the catalogue's `explore` entry, what `lazyswitch explore --design
 * NAME` starts from).
 */
export const CAUGHT: Record<string, string> = {
  'lazy-no-pull': 'inv6',
  'is-running-cleared-early': 'inv3',
  'remote-read-without-sync': 'inv8',
  'steal-running-vcpu': 'inv1',
  'migrate-running-vcpu': 'inv2',
  'migration-lost-in-tail': 'inv4',
  'lazy-without-dirty-mark': 'inv3',
  'flush-ipi-ignored': 'inv6',
  'dirty-cleared-before-commit': 'inv5',
  'asm-exit-sync-in-irq': 'guest-state',
  'set-current-irqs-on': 'inv11',
  'lazy-on-offline-pcpu': 'inv7',
  'ppc-naive-volatile': 'inv3',
  'ppc-switch-in-routine': 'inv3',
  'flush-with-irqs-off': 'inv10',
  'sleep-sync-ignores-lock': 'inv8',
  'hotplug-offline-before-sync': 'inv6',
  'flush-ack-lost': 'liveness',
};

/** Found only past 10^5 states (3 pcpus, hotplug): about a minute of CPU here. */
export const LONG_MUTANTS = ['hotplug-offline-before-sync'];

/** One `it` per mutant of CAUGHT that `keep` accepts, then one that prints the counterexamples' lengths. */
export function exploreMutants(keep: (name: string) => boolean): void {
  const lengths: Record<string, number> = {};
  for (const [name, invariant] of Object.entries(CAUGHT)) {
    if (!keep(name)) continue;
    it(`${name}: ${invariant}`, { timeout: 300_000 }, () => {
      const r = explore(resolveSpec(mutantSpec(name)), { maxStates: 200_000 });
      expect(r.violations.length).toBe(1);
      const v = r.violations[0];
      expect(v.invariant).toBe(invariant);
      expect(v.choices.length).toBeLessThanOrEqual(30);
      lengths[name] = v.choices.length;
    });
  }
  it('reports the length of each counterexample', () => {
    // eslint-disable-next-line no-console
    console.log('counterexample lengths:', JSON.stringify(lengths));
  });
}
