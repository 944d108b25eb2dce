import { describe, expect, it } from 'vitest';
import { MUTANTS, runMutants } from './index.ts';

describe('the mutation suite', () => {
  it('has at least 10 named, documented mutants with a history', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) {
      expect(m.description.length).toBeGreaterThan(20);
      expect(m.history.length).toBeGreaterThan(10);
    }
  });
  const doc = runMutants({});
  for (const m of doc.mutants) {
    it(`catches ${m.name} within the default budget`, () => {
      expect(m.caught).toBe(true);
      expect(m.violation!.message.length).toBeGreaterThan(20);
    });
  }
  it('scores 1', () => expect(doc.score).toBe(1));
  it('names the right invariant for the historical bugs', () => {
    const by = Object.fromEntries(doc.mutants.map((m) => [m.name, m.violation?.invariant]));
    expect(by['steal-running-vcpu']).toBe('inv1');
    expect(by['migrate-running-vcpu']).toBe('inv2');
    expect(by['remote-read-without-sync']).toBe('inv8');
    expect(by['is-running-cleared-early']).toBe('inv3');
    expect(['inv5', 'inv6', 'guest-state']).toContain(by['lazy-no-pull']);
    expect(by['flush-with-irqs-off']).toBe('inv10');
    expect(by['lazy-on-offline-pcpu']).toBe('inv7');
    expect(by['migration-lost-in-tail']).toBe('inv4');
    expect(by['set-current-irqs-on']).toBe('inv11');
  });
});
