/**
 * @module report/run-report: the comparison of `lazyswitch run` — one table, side by side, and a
 * short paragraph that reads it — plus the JSON document of the contract.
 */
import type { RunResult } from '../sim/index.ts';
import type { DomainSpec } from '../scenario/index.ts';
import { renderTable, formatNumber } from './table.ts';

export interface RunDocument {
  scenario: {
    archs: string[];
    pcpus: number;
    domains: DomainSpec[];
    sched: string;
    designs: string[];
    seconds: number;
    seed: number;
    controlHz: number;
    /** The scheduler-interface generation (hv/contract). */
    contract?: string;
    /** --tlb-pages: the working set every architecture's TLB refill was computed with. */
    tlbPages?: number;
  };
  results: RunResult[];
  skipped?: { design: string; arch: string; reason: string }[];
}

export function renderRunTable(results: RunResult[]): string {
  const header = ['arch', 'design', 'switches', 'lazy', 'words saved', 'words restored', 'KiB moved', 'IPIs', 'AS switches', 'Mcycles', 'overhead %', 'violations'];
  const rows = results.map((r) => [
    r.arch,
    r.design,
    r.metrics.switches,
    r.metrics.lazySwitches,
    r.metrics.wordsSaved,
    r.metrics.wordsRestored,
    Math.round(r.metrics.bytesMoved / 1024),
    r.metrics.ipis,
    r.metrics.addressSpaceSwitches,
    Number((r.metrics.cycles / 1e6).toFixed(2)),
    Number(r.metrics.overheadPct.toFixed(2)),
    r.violationCount,
  ]);
  return renderTable(header, rows);
}

/** A paragraph a person can read: per architecture, what laziness saved and whether anything broke. */
export function readResults(results: RunResult[]): string {
  const out: string[] = [];
  const archs = [...new Set(results.map((r) => r.arch))];
  for (const arch of archs) {
    const rs = results.filter((r) => r.arch === arch);
    const eager = rs.find((r) => r.design === 'eager');
    const parts: string[] = [];
    for (const r of rs) {
      if (r.metrics.lazySwitches > 0) {
        const pct = (100 * r.metrics.lazySwitches) / Math.max(1, r.metrics.switches);
        let s = `${r.design} skipped the state switch on ${formatNumber(r.metrics.lazySwitches)} of ${formatNumber(r.metrics.switches)} switches (${pct.toFixed(1)}%)`;
        if (eager) {
          const asSaved = eager.metrics.addressSpaceSwitches / Math.max(1, eager.metrics.switches) - r.metrics.addressSpaceSwitches / Math.max(1, r.metrics.switches);
          s += `, ${(asSaved * 100).toFixed(1)} fewer address-space switches per 100 switches than eager, and cost ${formatNumber(Math.round(r.metrics.cycles / Math.max(1, r.metrics.switches)))} hypervisor cycles per switch against eager's ${formatNumber(Math.round(eager.metrics.cycles / Math.max(1, eager.metrics.switches)))}`;
        }
        if (r.metrics.remoteSyncs) s += `; ${r.metrics.remoteSyncs === 1 ? 'once' : `${formatNumber(r.metrics.remoteSyncs)} times`} another pcpu had to pull lazily held state back with a flush IPI`;
        parts.push(s);
      }
    }
    const bad = rs.filter((r) => r.violationCount > 0);
    const verdict = bad.length
      ? 'The checker caught ' + bad.map((r) => `${r.design} breaking the contract ${formatNumber(r.violationCount)} times — first: ${r.violations[0]?.message ?? '(details dropped)'}`).join('; and ')
      : "Every design kept every guest's registers intact (0 violations)";
    out.push(`On ${arch}, ${parts.length ? parts.join('; ') + '. ' : ''}${verdict}.`);
  }
  return out.join('\n\n');
}

/**
 * What each column of the run table means, and where the numbers come from: printed under the
 * table (issue 22 §3–4), with the share of the cost that is the modelled TLB refill.
 */
export function runLegend(results: RunResult[]): string {
  const total = results.reduce((a, r) => a + r.metrics.cycles, 0);
  const refill = results.reduce((a, r) => a + r.metrics.tlbRefillCycles, 0);
  const pct = total ? Math.round((100 * refill) / total) : 0;
  return [
    'switches: times schedule() picked another vcpu and contextSwitch() ran. Every design runs the same guest programs for one seed, but',
    '  what a switch costs feeds back into the schedule (a dearer design leaves guests less time, so slices and wakes fall differently):',
    '  counts differ by design and architecture.',
    'lazy: switches in which the design moved no register state (to idle and back, or next still loaded).',
    'words saved / restored: 64-bit words copied to and from memory by entry, switch and exit (a register narrower than 64 bits',
    '  counts one word, a wider one its 64-bit parts); KiB moved counts their bytes.',
    'IPIs: every inter-processor interrupt sent: reschedule IPIs from wakes and migrations, flush IPIs that pull lazily held state back',
    '  (the paragraph below counts those), and cpu_down()\'s stop IPIs.',
    'AS switches: page-table (address-space) switches.',
    'Mcycles: every hypervisor cycle of the cost model — traps, entries, schedule(), saves and restores, IPIs, address-space switches',
    `  and the TLB refill after them. ${pct}% of these cycles here are that refill, one modelled estimate (the architecture's`,
    '  cost.addressSpace: working-set pages × refill cost per page; --tlb-pages N sets the pages, 0 for a tagged TLB, PCID/ASID;',
    '  `run --report` draws it as its own band, and the cost without it).',
    'overhead %: those cycles as a share of all pcpu time (simulated seconds × clock × pcpus).',
    '"hypervisor cycles per switch" below: all of them divided by the switches (explain\'s "switch cycles" counts the switch alone).',
  ].join('\n');
}
