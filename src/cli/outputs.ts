/**
 * @module cli/outputs: the timeline files of `run` and `replay-trace` (--perfetto, --ftrace).
 *
 * Layout (the same for both commands): --perfetto writes ONE Chrome trace-event JSON file holding
 * every design/arch run, each run a block of pids (one process per pcpu, labelled with the run),
 * so ui.perfetto.dev shows them one under another; --ftrace writes ONE sched_switch text file per
 * run, because ftrace text has no notion of separate machines: with a single run the file is
 * exactly OUT, with several each is OUT with `.<arch>.<design>` before its extension
 * (out.txt → out.x86-64.eager.txt). Files are written to a temporary name and renamed, so an
 * interrupted or failed command never leaves half a file.
 */
import { existsSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../base/index.ts';
import type { Violation } from '../check/index.ts';
import { buildPerfetto, renderFtraceText, type FtraceTextOptions, type Timeline } from '../report/index.ts';

export interface TimelineOutputs {
  perfetto?: string;
  ftrace?: string;
}

export interface RecordedRun {
  arch: string;
  design: string;
  timeline: Timeline;
}

function cannot(flag: string, what: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  return new InputError(flag, [{ where: flag, message: `${what}: ${code}` }]);
}

/** Refuse an output path whose directory does not exist before the work, not after. */
export function checkOutPath(flag: string, path: string | undefined): void {
  if (path === undefined) return;
  const dir = dirname(path);
  if (!existsSync(dir)) throw new InputError(flag, [{ where: flag, message: `cannot write "${path}": directory "${dir}" does not exist` }]);
}

/** Write through a temporary file in the same directory, then rename (atomic on POSIX). */
export function writeAtomically(flag: string, path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw cannot(flag, `cannot write "${path}"`, e);
  }
}

/** What was written, for the user: "wrote out.json (24.7 MB)", one line per file. */
export function writtenLines(paths: string[]): string[] {
  return paths.map((p) => {
    const b = statSync(p).size;
    const size = b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${b} bytes`;
    return `wrote ${p} (${size})`;
  });
}

/** OUT.txt → OUT.<arch>.<design>.txt */
export function suffixed(path: string, arch: string, design: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${arch}.${design}${ext}`;
}

/** Write the requested files; `violations[i]` belongs to `runs[i]`. Returns the paths written. */
export function writeTimelines(o: TimelineOutputs, runs: RecordedRun[], violations: Violation[][], ftrace: FtraceTextOptions = {}): string[] {
  const written: string[] = [];
  if (o.perfetto !== undefined) {
    const doc = buildPerfetto(runs.map((r, i) => ({ label: runs.length > 1 ? `${r.design} on ${r.arch}` : '', timeline: r.timeline, violations: violations[i] ?? [] })));
    writeAtomically('--perfetto', o.perfetto, JSON.stringify(doc));
    written.push(o.perfetto);
  }
  if (o.ftrace !== undefined) {
    for (const r of runs) {
      const path = runs.length > 1 ? suffixed(o.ftrace, r.arch, r.design) : o.ftrace;
      writeAtomically('--ftrace', path, renderFtraceText(r.timeline, ftrace));
      written.push(path);
    }
  }
  return written;
}
