/**
 * @module trace/trace-diagnostics: the side channel of a parse (format, header, malformed lines, counts).
 *
 * Records stream out; everything else accumulates here in constant space: all malformed lines
 * are counted but only the first `keep` are stored, so a corrupt multi-gigabyte file cannot
 * exhaust memory through its error list.
 */
import type { MalformedLine, TraceFormat, TraceHeader } from './record.ts';

const MAX_TEXT = 200;

export class TraceDiagnostics {
  /** Null until the format is known (auto-detection buffers the first lines). */
  format: TraceFormat | null = null;
  header: TraceHeader = {};
  /** The first `keep` malformed lines, in input order. */
  readonly malformed: MalformedLine[] = [];
  malformedCount = 0;
  /** Input lines seen (xentrace binary: records). */
  lines = 0;
  records = 0;
  /** Well-formed event lines of events other than sched_switch/wakeup (irq, print, cpu_frequency, ...). */
  otherEvents = 0;
  /** Non-comment lines with no event form and no cpu column (e.g. continuation lines of a multi-line print). */
  unrecognised = 0;
  /** Records whose cpu is UNKNOWN_CPU (perf without a cpu column, when inference failed). */
  unknownCpuRecords = 0;

  constructor(readonly keep = 20) {}

  addMalformed(line: number, text: string, reason: string): void {
    this.malformedCount++;
    if (this.malformed.length < this.keep) {
      this.malformed.push({ line, text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}...` : text, reason });
    }
  }
}
