/**
 * @module cli/report-file: `run --report OUT.html` — render the self-contained HTML report
 * (report/html) and write it atomically (a temporary file in the same directory, then rename).
 * The report's directory is created when missing, so `npm start` can write out/report.html in a
 * fresh clone (out/ is gitignored).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../base/index.ts';
import type { SwitchDesign } from '../hv/index.ts';
import type { RunDocument } from '../report/index.ts';
import { renderHtmlReport } from '../report/html/index.ts';
import { writeAtomically, type RecordedRun } from './outputs.ts';

/** Refuse a bad --report path before the work, not after; create its directory if missing. */
export function checkReportPath(path: string | undefined): void {
  if (path === undefined) return;
  if (!/\.html?$/i.test(path)) throw new InputError('--report', [{ where: '--report', message: `"${path}" should end in .html (the report is one HTML file)` }]);
  makeDirs(path, dirname(path));
}

/**
 * Create `dir` and its missing parents one level at a time. Not mkdirSync's `recursive`: on a
 * virtual filesystem such as /proc, where mkdir answers ENOENT for a directory whose parent
 * exists, Node 20's recursive mkdir retries forever (`--report /proc/nope/x.html` hung).
 */
function makeDirs(path: string, dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError('--report', [{ where: '--report', message: `cannot write "${path}": "${dir}" is not a directory` }]);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(path, parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new InputError('--report', [{ where: '--report', message: `cannot create the directory "${dir}" of "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
}

export function writeReportFile(path: string, doc: RunDocument, runs: RecordedRun[], designs: readonly SwitchDesign[]): void {
  checkReportPath(path);
  const broken = Object.fromEntries(designs.filter((d) => d.broken).map((d) => [d.name, d.broken!]));
  const html = renderHtmlReport({ doc, runs: runs.map((r) => ({ arch: r.arch, design: r.design, timeline: r.timeline })), broken });
  writeAtomically('--report', path, html);
}
