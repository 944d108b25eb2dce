/**
 * The view's model, in Node (no DOM): the seed's case as the page shows it, replay strings, and
 * the rule that the browser code imports only the public API (src/index.ts).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { analyse, Cursor, parseReplay, recordChoices, replayString, ReplayError, SEED_CASE, SEED_CONTRACT_CASE, DEFAULT_SCENARIO, checkScenario } from './session.ts';
import { commitState, placesOf, rangeList } from './locate.ts';

describe('web/session: the seed\'s case, switch by switch', () => {
  const choices = recordChoices(SEED_CASE);
  const s = analyse(SEED_CASE, choices, 'driver');
  const first = s.switches.find((x) => x.violations.length > 0)!;
  const cur = new Cursor(s);

  it('finds switches from schedule()\'s pick to the tail, with their moments, and the checker\'s findings in them', () => {
    expect(s.switches.length).toBeGreaterThan(50);
    for (const sw of s.switches.filter((x) => x.complete)) {
      expect(sw.moments[0].kind).toBe('pick');
      expect(sw.moments.at(-1)!.kind).toBe('tail');
      expect(sw.moments.some((m) => m.kind === 'switch')).toBe(true);
      expect(sw.moments[sw.focus].kind).toBe('switch');
    }
    expect(first.violations[0].v.invariant).toBe('inv3');
    expect(first.violations[0].at).toBe(first.end); // found when contextSaved ran, in the tail
    expect(s.totalViolations).toBe(s.violations.length);
  });

  it('before contextSaved, prev\'s nonvolatiles are in the registers and in named C frames; after the tail, nowhere', () => {
    const { st } = cur.after(first.moments[first.focus].at);
    const prev = st.vcpus[first.prev];
    const kinds = new Set<string>();
    for (let r = 14; r <= 31; r++) {
      const places = placesOf(st, r, prev.shadow[r]);
      expect(places.length).toBeGreaterThan(0);
      for (const p of places) kinds.add(p.kind === 'cframe' ? `cframe:${p.fn}` : p.kind);
      expect(commitState(st, first.pcpu, first.prev, r)).toBe('not-committed');
    }
    expect(kinds.has('reg')).toBe(true);
    expect([...kinds].some((k) => k.startsWith('cframe:'))).toBe(true);
    // The checker's message names one of the places the page shows.
    const v = first.violations[0].v;
    const r = st.cfg.arch.regNames.indexOf(v.register!);
    expect(placesOf(st, r, prev.shadow[r]).some((p) => v.message.includes(p.label))).toBe(true);
    const after = cur.after(first.end).st;
    for (let q = 14; q <= 31; q++) expect(placesOf(after, q, after.vcpus[first.prev].shadow[q])).toEqual([]);
  });

  it('going back rebuilds the same state (deterministic)', () => {
    const a = JSON.stringify(Array.from(cur.after(first.start).st.pcpus[first.pcpu].regs.val));
    cur.after(first.end);
    expect(JSON.stringify(Array.from(cur.after(first.start).st.pcpus[first.pcpu].regs.val))).toBe(a);
  });

  it('a replay string of the choices loads back to the same switches', () => {
    const text = replayString(choices, first.end + 1);
    const again = analyse(SEED_CASE, parseReplay(text), 'replay');
    expect(again.switches.length).toBe(first.index + 1);
    expect(again.switches[first.index].violations.map((x) => x.v.message)).toEqual(first.violations.map((x) => x.v.message));
  });

  it('a bad replay string is an error naming the choice', () => {
    expect(() => parseReplay('r0 q1')).toThrow(/choice 2: "q1" is not a choice/);
    expect(() => parseReplay('   ')).toThrow(ReplayError);
    expect(() => analyse(DEFAULT_SCENARIO, parseReplay('r9'), 'replay')).toThrow(/choice 1 "r9": there is no pcpu 9/);
    expect(() => analyse(DEFAULT_SCENARIO, parseReplay('t0'), 'replay')).toThrow(/choice 1 "t0" is not possible here/);
  });

  it('rangeList compresses register names', () => {
    const names = ['r13', 'r14', 'r15', 'r16', 'cr0', 'cr1', 'lr'];
    expect(rangeList(names, [1, 2, 3, 4, 5, 6, 0])).toBe('r13–r16, cr0–cr1, lr');
  });
});

describe('src/web imports only the public API', () => {
  it('every import in src/web is ../index.ts or a sibling (the bundle must run in a browser)', () => {
    const dir = new URL('.', import.meta.url).pathname;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts'))) {
      const text = readFileSync(dir + f, 'utf8');
      for (const m of text.matchAll(/\bfrom\s+'([^']+)'/g)) expect(m[1], `${f} imports ${m[1]}`).toMatch(/^(\.\.\/index\.ts|\.\/[\w-]+\.ts)$/);
    }
  });
});

describe('web/session: the contract through history', () => {
  it("the post's own design breaks invariant 3 under 2005-08, inside the state switch where the lock drops, and keeps it today", () => {
    const s = analyse(SEED_CONTRACT_CASE, recordChoices(SEED_CONTRACT_CASE), 'driver');
    const first = s.switches.find((x) => x.violations.length > 0)!;
    expect(first.violations[0].v.invariant).toBe('inv3');
    expect(first.violations[0].v.message).toMatch(/releases its schedule lock/);
    const today = { ...SEED_CONTRACT_CASE, contract: undefined };
    expect(analyse(today, recordChoices(today), 'driver').totalViolations).toBe(0);
  });
  it('rejects an unknown contract, naming the field', () => {
    expect(() => checkScenario({ ...DEFAULT_SCENARIO, contract: '2004' as never })).toThrow(/contract: expected one of 2005-08, 2006-01-06, 2006-01-07/);
  });
});
