/**
 * @module trace: streaming parsers for real scheduling traces (ftrace, trace-cmd, perf script,
 * xentrace, trace.dat, Chrome JSON, LTTng text, Perfetto protobuf) into switch and wakeup records. Runtime-agnostic, so the web view can use it; the
 * node-side file reader is src/cli/read-trace-file.ts.
 */
export * from './record.ts';
export { TraceFormatError } from './trace-format-error.ts';
export { TraceDiagnostics } from './trace-diagnostics.ts';
export { type PrevRunstate, prevRunstate } from './prev-state.ts';
export { type LineProblem, parseSwitchPayload, parseWakeupPayload } from './sched-payload.ts';
export { type LineParse, type LinePrefix, newLinePrefix, parseFtraceLine } from './ftrace-line.ts';
export { parsePerfLine } from './perf-line.ts';
export { DETECT_WINDOW, detectFormat, FormatDetector } from './detect-format.ts';
export { parseTraceLines, parseTraceLinesAsync, TraceParser, type TraceParserOptions } from './trace-parser.ts';
export { LineSplitter, linesOf } from './text-lines.ts';
export { isXentraceBinary, parseXentrace, type XentraceOptions, XentraceParser } from './xentrace-binary.ts';
export { ChromeJsonParser, type ChromeJsonOptions, looksLikeJson, parseChromeJson } from './chrome-json.ts';
export { type ByteSource, bytesSource, type Decompressor, isTraceDat, parseTraceDat, readTraceDat, type TraceDatOptions } from './trace-dat.ts';
export { hasPerfettoExtension, isPerfettoTrace, parsePerfetto, type PerfettoDecompressor, type PerfettoOptions, PerfettoParser } from './perfetto.ts';
export { newXenTextEvent, parseXentraceTextLine, type XenTextEvent } from './xentrace-text.ts';
export {
  TRC_LOST_RECORDS,
  TRC_SCHED_RUNSTATE_CHANGE,
  TRC_SCHED_SWITCH,
  TRC_SCHED_WAKE,
  TRC_TRACE_CPU_CHANGE,
  xenVcpuName,
} from './xen-sched.ts';
