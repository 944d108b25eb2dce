/**
 * The two real traces in ../shared/data/traces (see its README.md): every sched_switch line
 * becomes one switch record on the cpu of its `[NNN]` column, with no malformed line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { describeTraces, TRACES_DIR } from '../../test/shared-data.ts';
import { readTraceFile } from '../cli/read-trace-file.ts';
import type { SwitchRecord, TraceRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { parseTraceLines } from './trace-parser.ts';

const TRACES = pathToFileURL(TRACES_DIR + '/');

/** The expected counts, independently of the parser: grep -c, grouped by the first `[NNN]` on the line. */
function grepCounts(text: string, event: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.includes(`${event}:`)) continue;
    const m = /\[(\d{3})\]/.exec(line);
    if (!m) throw new Error(`no cpu column in ${line}`);
    const cpu = Number(m[1]);
    counts.set(cpu, (counts.get(cpu) ?? 0) + 1);
  }
  return counts;
}

function countByCpu(records: TraceRecord[], kind: TraceRecord['kind']): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of records) if (r.kind === kind) counts.set(r.cpu, (counts.get(r.cpu) ?? 0) + 1);
  return counts;
}

const sorted = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Switches on a cpu whose prev is not the previous switch's next there: a parse that lost or misread a pid. */
function continuityBreaks(records: TraceRecord[]): number {
  const last = new Map<number, number>();
  let breaks = 0;
  const switches = records.filter((r): r is SwitchRecord => r.kind === 'switch').sort((a, b) => a.ts - b.ts || a.line - b.line);
  for (const s of switches) {
    const prev = last.get(s.cpu);
    if (prev !== undefined && prev !== s.prevPid) breaks++;
    last.set(s.cpu, s.nextPid);
  }
  return breaks;
}

for (const { file, format, switches, wakeups, cpus } of [
  { file: 'juno_idle_shell_6cpu_tracecmd_raw.txt', format: 'trace-cmd-raw', switches: 1856, wakeups: 1068, cpus: 6 },
  { file: 'android_launcher_2cpu_systrace.txt', format: 'ftrace', switches: 11074, wakeups: 6827, cpus: undefined },
] as const) describeTraces(file, [file], () => {
  const url = new URL(file, TRACES);
  it('is present beside the repository', () => {
    expect(existsSync(url), `${fileURLToPath(url)} (shared/data/traces beside the repo)`).toBe(true);
  });

  it('yields one switch per sched_switch line on its cpu, and no malformed line', () => {
    const text = readFileSync(url, 'utf8');
    const diagnostics = new TraceDiagnostics();
    const records = [...parseTraceLines(text.split('\n'), { diagnostics })];
    expect(diagnostics.format).toBe(format);
    expect(diagnostics.header.cpus).toBe(cpus);
    expect(diagnostics.malformedCount).toBe(0);
    expect(diagnostics.malformed).toEqual([]);
    expect(diagnostics.unrecognised).toBe(0);

    const want = grepCounts(text, 'sched_switch');
    expect(total(want)).toBe(switches);
    expect(sorted(countByCpu(records, 'switch'))).toEqual(sorted(want));
    expect(sorted(countByCpu(records, 'wakeup'))).toEqual(sorted(grepCounts(text, 'sched_wakeup')));
    expect(total(countByCpu(records, 'wakeup'))).toBe(wakeups);
    expect(continuityBreaks(records)).toBe(0);
  });

  it('streams from disk to the same records', async () => {
    const viaFile: TraceRecord[] = [];
    const gen = readTraceFile(fileURLToPath(url));
    let r = await gen.next();
    for (; !r.done; r = await gen.next()) viaFile.push(r.value);
    expect(r.value.malformedCount).toBe(0);
    expect(viaFile).toEqual([...parseTraceLines(readFileSync(url, 'utf8').split('\n'))]);
  });
});
