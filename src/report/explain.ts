/**
 * @module report/explain: the answer to the seed's "Thoughts?" in one table. Every design that
 * runs on the architecture, on one scenario: correct or not (the first violation in words), what
 * an exception costs (entry stores, C-frame spills, the trap itself), what a switch costs, total
 * overhead, and per entry path the stores a volatile-only entry saves against a full save.
 */
import type { RunResult } from '../sim/index.ts';
import { renderTable } from './table.ts';
import type { Arch } from '../arch/index.ts';
import { ENTRY_PATHS } from '../arch/index.ts';

export interface ExplainRow {
  design: string;
  summary: string;
  correct: boolean;
  violations: number;
  firstViolation: string | null;
  switches: number;
  lazySwitches: number;
  exceptions: number;
  /** Cycles per exception: entry stores + C-frame spills and fills + the trap itself. */
  costPerException: number;
  /** Words the entry stub stores per exception, per entry path. */
  entryWordsPerPath: Record<string, number>;
  /** Per entry path: words a full save would store minus what this design's entry stores. */
  storesSavedPerException: Record<string, number>;
  /** Cycles per switch: saves, restores, address-space switch, schedule(), IPIs. */
  costPerSwitch: number;
  overheadPct: number;
  cycles: number;
}

export interface ExplainDocument {
  arch: string;
  scenario: Record<string, unknown>;
  designs: ExplainRow[];
  answer: string;
}

export function explainRows(arch: Arch, results: RunResult[], summaries: Record<string, string>): ExplainRow[] {
  const fullWords = arch.words(arch.hvRegs);
  return results.map((r) => {
    const m = r.metrics;
    const exceptions = ENTRY_PATHS.reduce((s, p) => s + m.entries[p], 0);
    const perPath: Record<string, number> = {};
    const saved: Record<string, number> = {};
    for (const p of ENTRY_PATHS) {
      if (!m.entries[p]) continue;
      perPath[p] = Number((m.entryWords[p] / m.entries[p]).toFixed(2));
      saved[p] = Number((fullWords - perPath[p]).toFixed(2));
    }
    const c = m.cyclesBy;
    return {
      design: r.design,
      summary: summaries[r.design] ?? '',
      correct: r.violationCount === 0,
      violations: r.violationCount,
      firstViolation: r.violations[0] ? `${r.violations[0].invariant}: ${r.violations[0].message}` : null,
      switches: m.switches,
      lazySwitches: m.lazySwitches,
      exceptions,
      costPerException: Math.round((c.entry + c.trap + c.cframes) / Math.max(1, exceptions)),
      entryWordsPerPath: perPath,
      storesSavedPerException: saved,
      costPerSwitch: Math.round((c.save + c.restore + c.addressSpace + c.schedule + c.ipi) / Math.max(1, m.switches)),
      overheadPct: m.overheadPct,
      cycles: m.cycles,
    };
  });
}

export function renderExplainTable(rows: ExplainRow[]): string {
  const paths = ENTRY_PATHS.filter((p) => rows.some((r) => p in r.entryWordsPerPath));
  const header = ['design', 'correct', 'violations', 'cycles/exception', ...paths.map((p) => `${p} words`), 'switch cycles/switch', 'lazy %', 'overhead %'];
  const body = rows.map((r) => [
    r.design,
    r.correct ? 'yes' : 'NO',
    r.violations,
    r.costPerException,
    ...paths.map((p) => r.entryWordsPerPath[p] ?? 0),
    r.costPerSwitch,
    Number(((100 * r.lazySwitches) / Math.max(1, r.switches)).toFixed(1)),
    Number(r.overheadPct.toFixed(2)),
  ]);
  return renderTable(header, body);
}

/** The reading, in words, derived from the rows (nothing here is hard-coded about the outcome). */
export function explainAnswer(arch: string, rows: ExplainRow[]): string {
  const ok = rows.filter((r) => r.correct);
  const bad = rows.filter((r) => !r.correct);
  const out: string[] = [];
  if (bad.length) {
    out.push(`On ${arch}, ${bad.map((r) => r.design).join(' and ')} lose guest state: ${bad.map((r) => `${r.design} — ${r.firstViolation}`).join('; ')}.`);
  }
  if (ok.length) {
    const cheapest = [...ok].sort((a, b) => a.overheadPct - b.overheadPct)[0];
    const dearest = [...ok].sort((a, b) => b.overheadPct - a.overheadPct)[0];
    out.push(
      `${ok.map((r) => r.design).join(', ')} keep every register (0 violations). The cheapest correct design here is ${cheapest.design} ` +
        `(${cheapest.overheadPct.toFixed(2)}% overhead, ${cheapest.costPerSwitch.toLocaleString('en-US')} switch cycles per switch, ${cheapest.costPerException.toLocaleString('en-US')} per exception)` +
        (dearest !== cheapest ? `; the dearest is ${dearest.design} (${dearest.overheadPct.toFixed(2)}%).` : '.'),
    );
    const volatileOnly = ok.filter((r) => Object.values(r.storesSavedPerException).some((x) => x > 0));
    for (const r of volatileOnly) {
      const paths = Object.entries(r.storesSavedPerException).filter(([, x]) => x > 0);
      out.push(
        `${r.design} stores ${paths.map(([p, x]) => `${x} fewer words on ${p}`).join(', ')} per exception than a full save` +
          (r.lazySwitches ? `, and switches lazily ${((100 * r.lazySwitches) / Math.max(1, r.switches)).toFixed(1)}% of the time` : '') +
          '.',
      );
    }
  }
  return out.join(' ');
}
