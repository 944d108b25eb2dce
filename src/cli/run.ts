/** @module cli/run: `lazyswitch run` — every design on every architecture, one comparison. */
import { DESIGNS, FPU_DESIGNS, DEFAULT_CONTRACT, getDesign, getScheduler, servesContract, type ContractName, type SwitchDesign } from '../hv/index.ts';
import { loadDesignFile } from './design-file.ts';
import type { RunResult } from '../sim/index.ts';
import { defaultWorkers, runCells, type CellSpec } from './run-pool.ts';
import { DEFAULT_DOMAINS, parseDomains, parseTime } from '../scenario/index.ts';
import { readResults, renderRunTable, runLegend, type RunDocument } from '../report/index.ts';
import { renderTable } from '../report/table.ts';
import { builtinArchNames } from '../arch/index.ts';
import { checkOutPath, writeTimelines, writtenLines, type RecordedRun } from './outputs.ts';
import { checkReportPath, writeReportFile } from './report-file.ts';
import { InputError } from '../base/index.ts';
import { contractFlag, intFlag, resolveArch } from './args.ts';
import { Progress } from './progress.ts';
import type { Arch } from '../arch/index.ts';

export interface RunFlags {
  arch?: string[];
  pcpus: string;
  domains: string;
  design?: string[];
  sched: string;
  time: string;
  seed: string;
  json?: boolean;
  check: boolean;
  perfetto?: string;
  ftrace?: string;
  /** Write the self-contained HTML report here (cli/report-file.ts). */
  report?: string;
  designFile?: string[];
  controlRate: string;
  /** 'fpu': the lazily switchable unit designs on every built-in architecture (issue 6). */
  preset?: string;
  /** The scheduler-interface generation (hv/contract). */
  contract: string;
  /** The liveness bound: a pcpu spinning in one wait longer than this is a violation (default 5s, Xen's watchdog). */
  watchdog: string;
  /** Pages a guest re-touches after its address space is switched in (overrides every architecture's workingSetPages). */
  tlbPages?: string;
  /** Worker threads for the design × architecture cells (default: the machine's cores); the output does not depend on it. */
  workers?: string;
}

/**
 * --tlb-pages N: the architecture with `addressSpace.workingSetPages` = N — the TLB refill after
 * each switch to a guest's page tables is N × refillPerPage (0: a tagged TLB, PCID/ASID, keeping
 * every domain's entries: the best case).
 */
export function withTlbPages(arch: Arch, pages: number): Arch {
  return { ...arch, spec: { ...arch.spec, addressSpace: { ...arch.spec.addressSpace, workingSetPages: pages } } };
}

export const DEFAULT_ARCHS = ['x86-64', 'ppc64'];

/**
 * The designs `run` compares when none is named: every built-in one that is not kept broken on
 * purpose and is written for the contract, except the FP/vector unit designs, which `--preset
 * fpu` compares (issue 6), and the what-ifs (SwitchDesign.whatIf), which model no real code. A
 * design with its own form for the contract runs that form.
 */
export function defaultDesigns(contract: ContractName = DEFAULT_CONTRACT): SwitchDesign[] {
  return DESIGNS.filter((d) => !d.broken && !d.whatIf && !FPU_DESIGNS.includes(d) && servesContract(d, contract) && !isFormOfAnother(d));
}

/** A design that is another one's older form (xen-x86-lazy-2005): it runs as that design's form, not beside it. */
function isFormOfAnother(d: SwitchDesign): boolean {
  return DESIGNS.some((o) => o !== d && Object.values(o.forms ?? {}).includes(d.name));
}

/**
 * --watchdog: the liveness bound (Checker watchdogSeconds). At least the 10 ms scheduler tick: a
 * shorter bound would call ordinary waits for a vcpu to stop running stalls, and pcpu clocks
 * run apart by up to a guest segment, the bound's resolution.
 */
export function watchdogFlag(text: string | undefined): number {
  const s = parseTime(text ?? '5s', '--watchdog');
  if (s < 0.01) throw new InputError('--watchdog', [{ where: '--watchdog', message: `"${text}" is under the 10ms scheduler tick; give 10ms or more (Xen's watchdog: 5s)` }]);
  return s;
}

/**
 * The designs of a run whose violations fail it (exit status 1): every one that is not kept
 * broken on purpose and is written for the contract it ran under — a user's design file
 * included. A broken design named on the command line, or one run under a contract it is not
 * written for, shows its violations as the expected result.
 */
export function unexpectedFailures(results: RunResult[], designs: SwitchDesign[], contract: ContractName): RunResult[] {
  return results.filter((r) => {
    const d = designs.find((x) => x.name === r.design);
    return r.violationCount > 0 && d !== undefined && !d.broken && servesContract(d, contract);
  });
}

/** Runs the comparison and prints it; returns the exit status (1: a design that should be correct had a violation or a stall). */
export async function runCommand(f: RunFlags, out: (s: string) => void): Promise<number> {
  if (f.preset !== undefined && f.preset !== 'fpu') throw new InputError('--preset', [{ where: '--preset', message: `unknown preset "${f.preset}"; expected fpu` }]);
  const fpu = f.preset === 'fpu';
  const tlbPages = f.tlbPages === undefined ? undefined : intFlag('--tlb-pages', f.tlbPages, 0, 1_000_000);
  const archNames = f.arch?.length ? f.arch.flatMap((a) => a.split(',')) : fpu ? builtinArchNames() : DEFAULT_ARCHS;
  const archs: Arch[] = archNames.map(resolveArch).map((a) => (tlbPages === undefined ? a : withTlbPages(a, tlbPages)));
  const pcpus = intFlag('--pcpus', f.pcpus, 1, 31);
  const domains = parseDomains(f.domains);
  const sched = getScheduler(f.sched);
  const seconds = parseTime(f.time);
  const seed = intFlag('--seed', f.seed, 0, 2 ** 32 - 1);
  const controlHz = intFlag('--control-rate', f.controlRate, 0, 1_000_000);
  const contract = contractFlag(f.contract);
  const watchdogSeconds = watchdogFlag(f.watchdog);
  const fromFiles: SwitchDesign[] = [];
  for (const file of f.designFile ?? []) fromFiles.push(await loadDesignFile(file));
  const named = f.design?.length ? f.design.flatMap((d) => d.split(',')).map(getDesign) : [];
  const designs: SwitchDesign[] = named.length || fromFiles.length ? [...named, ...fromFiles] : fpu ? [...FPU_DESIGNS] : defaultDesigns(contract);

  const workers = f.workers === undefined ? undefined : intFlag('--workers', f.workers, 1, 256);
  const pairs: { arch: Arch; archName: string; design: SwitchDesign }[] = [];
  const skipped: NonNullable<RunDocument['skipped']> = [];
  for (const [ai, arch] of archs.entries()) {
    for (const design of designs) {
      const ok = design.supports(arch);
      if (ok === true) pairs.push({ arch, archName: archNames[ai], design });
      // A design chosen by default that declines an architecture is simply not run there.
      else if (named.length || fromFiles.length) skipped.push({ design: design.name, arch: arch.name, reason: ok });
    }
  }
  if (!pairs.length) {
    throw new InputError('--design', skipped.map((s) => ({ where: '--design', message: `${s.design} does not support ${s.arch}: ${s.reason}` })));
  }

  // --perfetto / --ftrace: one TimelineRecorder per design/arch pair (file layout: cli/outputs.ts).
  checkOutPath('--perfetto', f.perfetto);
  checkOutPath('--ftrace', f.ftrace);
  checkReportPath(f.report);
  const trace = f.perfetto !== undefined || f.ftrace !== undefined || f.report !== undefined;
  const cells: CellSpec[] = pairs.map(({ archName, design }) => ({ arch: archName, ...(tlbPages !== undefined ? { tlbPages } : {}), design: design.name, pcpus, domains, sched: sched.name, seconds, seed, controlHz, contract, check: f.check, watchdogSeconds, trace }));
  const progress = new Progress('lazyswitch run');
  const fractions = new Float64Array(cells.length);
  // A user's design file is loaded (through tsx) in this thread only: then every cell runs here.
  const done = await runCells(cells, workers ?? defaultWorkers(cells.length), (_, i) => pairs[i], fromFiles.length > 0, (i, fr) => {
    fractions[i] = fr;
    progress.update(fractions.reduce((t, x) => t + x, 0) / cells.length, `${pairs[i].design.name} on ${pairs[i].arch.name}`);
  });
  const results: RunResult[] = done.map((d) => d.result);
  const timelines: RecordedRun[] = trace ? done.map((d, i) => ({ arch: pairs[i].arch.name, design: pairs[i].design.name, timeline: d.timeline! })) : [];
  progress.done();
  const written = writtenLines(writeTimelines(f, timelines, results.map((r) => r.violations)));

  const doc: RunDocument = {
    scenario: { archs: archs.map((a) => a.name), pcpus, domains, sched: sched.name, designs: designs.map((d) => d.name), seconds, seed, controlHz, contract, ...(tlbPages !== undefined ? { tlbPages } : {}) },
    results,
    ...(skipped.length ? { skipped } : {}),
  };
  if (f.report !== undefined) writeReportFile(f.report, doc, timelines, designs);
  const failed = unexpectedFailures(results, designs, contract);
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    // Standard output is the JSON document; what else was written goes to standard error.
    for (const w of written) process.stderr.write(`${w}\n`);
    if (f.report !== undefined) process.stderr.write(`${writtenLines([f.report])[0]}\n`);
    return failed.length ? 1 : 0;
  }
  const doms = domains.map((d) => `${d.vcpus}×${d.profile}${d.weight !== 256 ? ` w${d.weight}` : ''}${d.cap ? ` cap ${d.cap}%` : ''}`).join(', ');
  out(`lazyswitch run: ${pcpus} pcpus, ${domains.length} domains (${doms}) + idle, ${sched.name} scheduler, ${seconds}s simulated, seed ${seed}${controlHz ? `, ${controlHz} control ops/s` : ''}${contract !== DEFAULT_CONTRACT ? `, contract ${contract}` : ''}${f.check ? '' : ', checker off'}\n`);
  out(fpu ? renderFpuTable(results, pcpus, archs) : `${renderRunTable(results)}\n\n${runLegend(results)}`);
  if (fpu) {
    const pairs = renderExposurePairs(results, domains.map((d, i) => `d${i + 1} ${d.profile}`));
    if (pairs) out(`\n${pairs}`);
  }
  for (const s of skipped) out(`(skipped ${s.design} on ${s.arch}: ${s.reason})`);
  out('');
  out(fpu ? readFpu(results, pcpus, archs) : readResults(results));
  const shown = results.flatMap((r) => r.violations.slice(0, 3).map((v) => `  [${r.design}/${r.arch}] ${v.invariant} at step ${v.step} (t=${v.time}s): ${v.message}`));
  if (shown.length) out(`\nFirst violations:\n${shown.join('\n')}`);
  if (written.length) out(`\n${written.join('\n')}`);
  if (f.report !== undefined) out(`\nHTML report: ${writtenLines([f.report])[0].slice('wrote '.length)}`);
  if (failed.length) out(`\nexit status 1: ${failed.map((r) => `${r.design} on ${r.arch} (${r.violationCount} violations)`).join(', ')} — not kept broken on purpose, so these are findings`);
  return failed.length ? 1 : 0;
}

/**
 * `--preset fpu`: cost, traps, saves avoided (by the design, and words by XSAVE's optimisations),
 * the LazyFP exposure window in cycles and guest instructions, and violations per design and arch.
 */
export function renderFpuTable(results: RunResult[], pcpus: number, archs: Arch[]): string {
  const header = ['arch', 'design', 'switches', 'Mcycles', 'overhead %', 'traps', 'unit saves avoided', 'restores avoided', 'exposure Mcycles', 'exposure Minstr', 'exposure %', 'XSAVE words avoided', 'used-unit fraction', 'violations'];
  const rows = results.map((r) => {
    const m = r.metrics;
    // Exposure as a share of all pcpu time (simulated seconds × clock × pcpus).
    const hz = archs.find((a) => a.name === r.arch)?.spec.clockHz ?? 1;
    const total = Math.max(1, m.simulatedSeconds * hz * pcpus);
    return [
      r.arch,
      r.design,
      m.switches,
      Number((m.cycles / 1e6).toFixed(2)),
      Number(m.overheadPct.toFixed(2)),
      m.traps,
      m.unitSavesAvoided,
      m.unitRestoresAvoided,
      Number((m.exposureCycles / 1e6).toFixed(2)),
      Number((m.exposureInstructions / 1e6).toFixed(2)),
      Number(((100 * m.exposureCycles) / total).toFixed(2)),
      m.xsaveWordsAvoided,
      Number(m.usedUnitFraction.toFixed(3)),
      r.violationCount,
    ];
  });
  return renderTable(header, rows);
}

/**
 * `--preset fpu`: the LazyFP window by domain pair — whose guest ran (first) over whose values
 * (second) — for every design with exposure, largest first; '' when no design has any.
 * `names` labels the domains (d1, d2, … in --domains order).
 */
export function renderExposurePairs(results: RunResult[], names: string[]): string {
  const rows: (string | number)[][] = [];
  for (const r of results) {
    const m = r.metrics;
    if (!m.exposureCycles) continue;
    const pairs = Object.entries(m.exposureByPair).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    for (const [pair, cycles] of pairs) {
      rows.push([
        r.arch,
        r.design,
        pair.replace('>', ' over '),
        Number((cycles / 1e6).toFixed(2)),
        Number(((m.exposureInstructionsByPair[pair] ?? 0) / 1e6).toFixed(2)),
        Math.round((100 * cycles) / m.exposureCycles),
      ]);
    }
  }
  if (!rows.length) return '';
  const title = `LazyFP exposure by domain pair: the first domain's guest ran while a disabled unit held the second's values (${names.join(', ')})`;
  return `${title}\n\n${renderTable(['arch', 'design', 'running over owner', 'Mcycles', 'Minstr', '% of design'], rows)}`;
}

/** `--preset fpu`: a paragraph per architecture reading the unit table. */
export function readFpu(results: RunResult[], pcpus: number, archs: Arch[]): string {
  const out: string[] = [];
  for (const arch of [...new Set(results.map((r) => r.arch))]) {
    const hz = archs.find((a) => a.name === arch)?.spec.clockHz ?? 1;
    const parts = results
      .filter((r) => r.arch === arch)
      .map((r) => {
        const m = r.metrics;
        const pct = (100 * m.exposureCycles) / Math.max(1, m.simulatedSeconds * hz * pcpus);
        const exp = m.exposureCycles
          ? `other domains' values sat in disabled units for ${pct.toFixed(1)}% of pcpu time, ${(m.exposureInstructions / 1e6).toFixed(1)} M guest instructions (the LazyFP window, CVE-2018-3665)`
          : 'no exposure';
        const xsave = m.xsaveWordsAvoided ? `, ${m.xsaveWordsAvoided} words left out by XSAVEOPT/XSAVES` : '';
        return `${r.design}: ${m.traps} unavailable traps, ${m.unitSavesAvoided} unit saves and ${m.unitRestoresAvoided} restores avoided${xsave}, ${exp}, ${r.violationCount} violations`;
      });
    const used = results.find((r) => r.arch === arch)!.metrics.usedUnitFraction;
    out.push(`On ${arch}, ${parts.join('; ')}. ${(100 * used).toFixed(0)}% of switch-outs came after the vcpu had used a unit (the statistic behind Xen's removal of lazy FPU, 70a6abd2cd).`);
  }
  return out.join('\n\n');
}

export { DEFAULT_DOMAINS };
