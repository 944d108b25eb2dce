/**
 * @module trace/detect-format: which text format a trace is, from its first meaningful lines.
 *
 * Lines are tried as xentrace text, then ftrace-prefixed, then perf: the three prefixes exclude
 * each other (`CPU<n> <tsc>` vs `<comm>-<pid> [<cpu>]` vs `<comm> <pid> [<cpu>]`). Within the
 * ftrace family, the first sched_switch payload tells the variant: compact `comm:pid [prio]` is
 * trace-cmd's plugin, key=value without `==>` is trace-cmd -R, key=value with `==>` is the
 * kernel's own text (trace-cmd if a `cpus=` header said so). Without a sched_switch in the window,
 * the headers decide. Comments and blank lines do not count toward the window.
 */
import { newLinePrefix, parseFtraceHeader, parseFtraceLine } from './ftrace-line.ts';
import { parsePerfLine } from './perf-line.ts';
import type { TraceFormat } from './record.ts';
import { skipSpaces } from './text-scan.ts';
import { newXenTextEvent, parseXentraceTextLine } from './xentrace-text.ts';
import { parseLttngLine } from './lttng-line.ts';

/** How many meaningful (non-blank, non-comment) lines detection looks at before giving up. */
export const DETECT_WINDOW = 50;

export class FormatDetector {
  /** Meaningful lines fed so far. */
  meaningful = 0;
  /** The first meaningful line, for the error message when detection fails. */
  first: { line: number; text: string } | undefined;
  private lineNo = 0;
  private ftraceHeader = false;
  private traceCmdHeader = false;
  private traceCmdVersion = false;
  private perfHeader = false;
  private ftraceFamily = false;
  private readonly prefix = newLinePrefix();
  private readonly xev = newXenTextEvent();

  /** Feed the next line; returns the format as soon as it is certain. */
  feed(line: string): TraceFormat | undefined {
    this.lineNo++;
    const t = skipSpaces(line, 0);
    if (t >= line.length || line.charCodeAt(t) === 13) return undefined;
    if (line.charCodeAt(t) === 35 /* # */) {
      const facts = parseFtraceHeader(line);
      if (facts?.family === 'ftrace') this.ftraceHeader = true;
      else if (/^#\s*(cmdline|perf version|nrcpus|captured on|=====)/.test(line.slice(t))) this.perfHeader = true;
      return undefined;
    }
    this.meaningful++;
    this.first ??= { line: this.lineNo, text: line };
    const facts = parseFtraceHeader(line);
    if (facts?.family === 'trace-cmd') {
      this.traceCmdHeader = true;
      if (facts.traceCmdVersion !== undefined) this.traceCmdVersion = true;
      return undefined;
    }
    if (parseXentraceTextLine(line, this.xev) !== 'none') return 'xentrace';
    // babeltrace's `[<time>] (+delta) host event: { … }`: no other format starts with `[`.
    if (parseLttngLine(line, this.lineNo, undefined) !== 'none') return 'lttng';
    const r = parseFtraceLine(line, this.lineNo, this.prefix);
    if (r !== 'none') {
      this.ftraceFamily = true;
      if (typeof r === 'object' && 'kind' in r && r.kind === 'switch') return this.ftraceVariant(line);
      return undefined;
    }
    if (parsePerfLine(line, this.lineNo, this.prefix) !== 'none') return 'perf';
    return undefined;
  }

  private ftraceVariant(line: string): TraceFormat {
    const at = line.indexOf('sched_switch:');
    const p = skipSpaces(line, at + 13);
    if (line.startsWith('prev_comm=', p)) {
      if (!line.includes('==>', p)) return 'trace-cmd-raw';
      // An integer timestamp glued to `[cpu]` is trace-cmd 3.x report's (ftrace-line intTs).
      return this.traceCmdHeader || this.prefix.intTs === 2 ? 'trace-cmd' : 'ftrace';
    }
    // 2.6.30's own text is compact too, but begins with `task `.
    return line.startsWith('task ', p) && !this.traceCmdHeader ? 'ftrace' : 'trace-cmd';
  }

  /**
   * The best answer from what was fed, once the window is used up or the input ended: the
   * ftrace family without a sched_switch seen, or headers alone (a trace with no events yet).
   */
  settle(): TraceFormat | null {
    if (this.ftraceFamily || this.traceCmdHeader || this.ftraceHeader) {
      if (this.traceCmdHeader) return this.traceCmdVersion ? 'trace-cmd-raw' : 'trace-cmd';
      return 'ftrace';
    }
    if (this.perfHeader) return 'perf';
    return null;
  }
}

/** Detect the format from the first lines of a text trace; null if none of the first DETECT_WINDOW meaningful lines has a known form. */
export function detectFormat(lines: string[]): TraceFormat | null {
  const d = new FormatDetector();
  for (const line of lines) {
    const f = d.feed(line);
    if (f) return f;
    if (d.meaningful >= DETECT_WINDOW) break;
  }
  return d.settle();
}
