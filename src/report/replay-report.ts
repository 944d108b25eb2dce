/**
 * @module report/replay-report: what `lazyswitch replay-trace` prints — the facts of the trace
 * itself, one table row per design and architecture, and the JSON document of the contract:
 * `{ trace: { format, cpus, tasks, switchesPerCpu, spanSeconds, malformedLines, … },
 *    results: [ { design, arch, violations, metrics, … } ] }` (fields are only ever added).
 */
import type { ReplayResult, TraceFacts } from '../sim/index.ts';
import type { TraceFormat } from '../trace/index.ts';
import { formatNumber, renderTable } from './table.ts';

export interface ReplayDocument {
  /** `embeddedFormat`, `gzip`: what a chrome-json file's systemTraceEvents held, and whether it was gzipped (TraceHeader). */
  trace: TraceFacts & { file?: string; embeddedFormat?: TraceFormat | 'fuchsia'; gzip?: boolean };
  /** `expected`: the design is kept broken on purpose or not written for the contract, so violations are its expected result (the table marks it). */
  results: (ReplayResult & { expected?: boolean })[];
  skipped?: { design: string; arch: string; reason: string }[];
  /** The scheduler-interface generation the designs ran under (hv/contract). */
  contract?: string;
}

const plural = (n: number, what: string) => `${formatNumber(n)} ${what}${n === 1 ? '' : 's'}`;

/** Malformed lines shown in the text output. */
const SHOW_MALFORMED = 5;

export function renderTraceFacts(f: ReplayDocument['trace']): string {
  const lines: string[] = [];
  lines.push(
    `trace: ${f.file ? `${f.file}, ` : ''}${f.format}${f.embeddedFormat ? ` (systemTraceEvents: ${f.embeddedFormat})` : ''}${f.gzip ? ', gzip' : ''}, ${plural(f.cpus, 'cpu')}, ${plural(f.tasks, 'task')} in ${plural(f.domains, 'domain')} (--group ${f.group}), ` +
      `${formatNumber(f.switches)} switches, ${formatNumber(f.wakeups)} wakeups, span ${f.spanSeconds.toFixed(3)} s` +
      // What went wrong reading it belongs in the first line too, not only in the details below.
      (f.malformedLines ? ` — ${plural(f.malformedLines, 'malformed line')} skipped (a damaged or truncated trace?)` : '') +
      (f.lostEvents ? ` — ${plural(f.lostEvents, 'lost event')}` : ''),
  );
  if (f.tsc) {
    lines.push(
      f.tsc.estimated
        ? `TSC rate: ${formatNumber(f.tsc.hz)} Hz, estimated from ${plural(f.tsc.samples ?? 0, 'switch_infprev runtime')} (Xen system time, ns) — the trace carries no rate; --tsc-hz overrides`
        : `TSC rate: ${formatNumber(f.tsc.hz)} Hz (--tsc-hz)`,
    );
  }
  lines.push(`switches per cpu: ${Object.entries(f.switchesPerCpu).map(([c, n]) => `cpu${c} ${formatNumber(n)}`).join(', ')}`);
  lines.push(`X → idle → X on one cpu: ${formatNumber(f.idleRoundTrips)} (where a lazy switch to idle and back moves nothing)`);
  if (f.malformedLines) {
    const shown = f.malformedExamples.slice(0, SHOW_MALFORMED).map((m) => `line ${m.line} (${m.reason})`).join(', ');
    lines.push(`malformed lines: ${formatNumber(f.malformedLines)}, skipped — first: ${shown}${f.malformedLines > SHOW_MALFORMED ? ', …' : ''}`);
  } else lines.push('malformed lines: 0');
  if (f.droppedNoCpu) lines.push(`dropped: ${formatNumber(f.droppedNoCpu)} switch${f.droppedNoCpu === 1 ? '' : 'es'} whose cpu neither the trace (perf without a cpu column) nor an idle task's swapper/N before or after it tells`);
  if (f.lostEvents) lines.push(`lost events (the tracer says it dropped): ${formatNumber(f.lostEvents)}`);
  const inc = f.inconsistencies;
  const nInc = inc.prevMismatch + inc.nextRunningElsewhere + inc.alreadyRunning;
  lines.push(
    nInc
      ? `inconsistencies (lost or reordered events; repaired, see README): ${inc.prevMismatch} switches whose prev was not running there, ${inc.nextRunningElsewhere} tasks switched in while still running elsewhere, ${inc.alreadyRunning} switches to the task already running`
      : 'inconsistencies: none (every switch continues the one before it on its cpu)',
  );
  return lines.join('\n');
}

/** Marks a design whose violations are expected (ReplayDocument results' `expected`). */
const EXPECTED_MARK = ' (expected to fail)';

export function renderReplayTable(results: ReplayDocument['results']): string {
  const header = ['arch', 'design', 'switches', 'lazy', 'words moved', 'IPIs', 'remote syncs', 'migrations', 'Mcycles', 'max lag µs', 'violations'];
  const rows = results.map((r) => [
    r.arch,
    r.expected ? `${r.design}${r.form ? ` as ${r.form}` : ''}${EXPECTED_MARK}` : r.form ? `${r.design} as ${r.form}` : r.design,
    r.metrics.switches,
    r.metrics.lazySwitches,
    r.replay.wordsMoved,
    r.metrics.ipis,
    r.metrics.remoteSyncs,
    r.replay.migrations,
    Number((r.metrics.cycles / 1e6).toFixed(2)),
    Number(r.replay.maxLagUs.toFixed(1)),
    r.violationCount,
  ]);
  return renderTable(header, rows);
}

export function renderReplay(doc: ReplayDocument): string {
  const out: string[] = [renderTraceFacts(doc.trace), '', renderReplayTable(doc.results)];
  if (doc.results.some((r) => r.expected)) {
    out.push(`(expected to fail: kept broken on purpose, or not written for contract ${doc.contract ?? 'today\'s'}; their violations are the expected result and do not fail the command)`);
  }
  const skipped = doc.skipped ?? [];
  if (skipped.length) {
    const byArch = new Map<string, string[]>();
    for (const s of skipped) byArch.set(s.arch, [...(byArch.get(s.arch) ?? []), s.design]);
    out.push(`(not run, the design declines the architecture: ${[...byArch].map(([a, ds]) => `${ds.join(', ')} on ${a}`).join('; ')}; reasons in --json "skipped")`);
  }
  out.push(
    '',
    'switches: the trace\'s switches carried out by schedule()/contextSwitch(); lazy: those where the design moved no state; ' +
      'max lag: how far the modelled hypervisor work fell behind the trace\'s own timing. Exposure is not reported: the metrics do not measure it yet.',
  );
  const shown = doc.results.flatMap((r) => r.violations.slice(0, 3).map((v) => `  [${r.design}/${r.arch}] ${v.invariant} at step ${v.step} (t=${v.time}s): ${v.message}`));
  if (shown.length) out.push(`\nFirst violations:\n${shown.join('\n')}`);
  return out.join('\n');
}
