/**
 * @module cli/read-trace-file: stream a trace file from disk for the trace parsers (src/trace stays
 * free of node:*; this is the node side).
 *
 * Sniffs the first bytes: gzip is gunzipped as it streams (cli/trace-bytes.ts); then a xentrace
 * binary starts with a TRC_TRACE_CPU_CHANGE record and goes to XentraceParser, `{` or `[` is Chrome
 * trace JSON (trace/chrome-json.ts), and anything else is read as UTF-8 text line by line into
 * TraceParser. Either way the file is read in fixed-size chunks and never held whole.
 */
import { closeSync, createReadStream, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { TraceFormat, TraceRecord } from '../trace/record.ts';
import type { TraceDiagnostics } from '../trace/trace-diagnostics.ts';
import type { TraceParserOptions } from '../trace/trace-parser.ts';
import { LineSplitter } from '../trace/text-lines.ts';
import { isTraceDat } from '../trace/trace-dat.ts';
import { isGzip, streamTraceFile } from './trace-bytes.ts';
import { traceDatRecords } from './trace-dat-file.ts';

export interface ReadTraceFileOptions extends Omit<TraceParserOptions, 'onRecord'> {
  format?: TraceFormat | 'auto';
}

async function head(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Lines of a text file, streamed. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const out: string[] = [];
  const take = (l: string) => out.push(l);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    splitter.push(chunk as string, take);
    yield* out;
    out.length = 0;
  }
  splitter.end(take);
  yield* out;
}

/** Records of a trace file of any supported format; the generator's return value is the diagnostics. */
export async function* readTraceFile(path: string, opts: ReadTraceFileOptions = {}): AsyncGenerator<TraceRecord, TraceDiagnostics> {
  const format = opts.format ?? 'auto';
  if (format === 'trace-dat' || ((format === 'auto' || format === 'trace-cmd') && isTraceDat(await head(path, 16)))) {
    // trace-cmd's binary trace.dat is read by random access (src/trace/trace-dat.ts).
    const fd = openSync(path, 'r');
    try {
      const { records, diag } = traceDatRecords(fd, { tscHz: opts.tscHz, keepMalformed: opts.keepMalformed, diagnostics: opts.diagnostics });
      yield* records;
      return diag;
    } finally {
      closeSync(fd);
    }
  }
  // Everything else streams (cli/trace-bytes.ts): gunzipped when the file is gzip, then xentrace
  // binary, Chrome trace JSON or text by the first bytes of the content.
  return yield* streamTraceFile(path, isGzip(await head(path, 2)), { ...opts, format });
}
