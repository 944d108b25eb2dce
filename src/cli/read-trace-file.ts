/**
 * @module cli/read-trace-file: stream a trace file from disk for the trace parsers (src/trace stays
 * free of node:*; this is the node side).
 *
 * Sniffs the first bytes: gzip is gunzipped as it streams (cli/trace-bytes.ts); then a xentrace
 * binary starts with a TRC_TRACE_CPU_CHANGE record and goes to XentraceParser, `{` or `[` is Chrome
 * trace JSON (trace/chrome-json.ts), and anything else is read as UTF-8 text line by line into
 * TraceParser. Either way the file is read in fixed-size chunks and never held whole. A Perfetto
 * protobuf trace (trace/perfetto.ts: `--format perfetto`, a `.perfetto-trace` / `.pftrace` name, or
 * content that starts as a Trace, gzipped or not) streams into PerfettoParser, with node:zlib to
 * inflate its compressed packets.
 */
import { closeSync, createReadStream, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { hasPerfettoExtension, isPerfettoTrace, MAX_PACKET, type PerfettoDecompressor, PerfettoParser } from '../trace/perfetto.ts';
import type { TraceFormat, TraceRecord } from '../trace/record.ts';
import type { TraceDiagnostics } from '../trace/trace-diagnostics.ts';
import type { TraceParserOptions } from '../trace/trace-parser.ts';
import { LineSplitter } from '../trace/text-lines.ts';
import { isTraceDat } from '../trace/trace-dat.ts';
import { fileBytes, isGzip, streamTraceFile } from './trace-bytes.ts';
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

/** node:zlib for TracePacket.compressed_packets (zlib) and, where this Node has it, zstd_compressed_packets. */
export const perfettoDecompress: PerfettoDecompressor = (codec, data) => {
  if (codec === 'zlib') return zlib.inflateSync(data, { maxOutputLength: MAX_PACKET });
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array, o?: { maxOutputLength?: number }) => Uint8Array }).zstdDecompressSync;
  return typeof zstd === 'function' ? zstd(data, { maxOutputLength: MAX_PACKET }) : undefined;
};

/** The first `n` bytes of the file's content, gunzipped when `gzip`. */
async function contentHead(path: string, gzip: boolean, n: number): Promise<Uint8Array> {
  if (!gzip) return head(path, n);
  // Leaving the loop closes the streams (fileBytes' finally).
  for await (const c of fileBytes(path, true)) return c.subarray(0, n);
  return new Uint8Array(0);
}

/**
 * Whether the file is to be read as a Perfetto protobuf trace: `--format perfetto`, or auto and a
 * `.perfetto-trace` / `.pftrace` name or content that starts as a Trace (isPerfettoTrace).
 * `raw`: the file's first bytes when the caller has read them (ignored for gzip).
 */
export async function isPerfettoFile(path: string, format: TraceFormat | 'auto', gzip: boolean, raw?: Uint8Array): Promise<boolean> {
  if (format === 'perfetto') return true;
  if (format !== 'auto') return false;
  if (hasPerfettoExtension(path)) return true;
  return isPerfettoTrace(gzip || raw === undefined ? await contentHead(path, gzip, 4096) : raw.subarray(0, 4096));
}

/** Records of a Perfetto protobuf trace file, streamed (gunzipped when `gzip`); returns the diagnostics. */
export async function* readPerfettoFile(
  path: string,
  gzip: boolean,
  opts: { diagnostics?: TraceDiagnostics; keepMalformed?: number } = {},
): AsyncGenerator<TraceRecord, TraceDiagnostics> {
  const queue: TraceRecord[] = [];
  const parser = new PerfettoParser({ ...opts, decompress: perfettoDecompress, onRecord: (r) => queue.push(r) });
  for await (const c of fileBytes(path, gzip)) {
    parser.push(c);
    for (let i = 0; i < queue.length; i++) yield queue[i];
    queue.length = 0;
  }
  const d = parser.end();
  yield* queue;
  if (gzip) d.header.gzip = true;
  return d;
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
  const gzip = isGzip(await head(path, 2));
  if (await isPerfettoFile(path, format, gzip)) {
    return yield* readPerfettoFile(path, gzip, { diagnostics: opts.diagnostics, keepMalformed: opts.keepMalformed });
  }
  // Everything else streams (cli/trace-bytes.ts): gunzipped when the file is gzip, then xentrace
  // binary, Chrome trace JSON or text by the first bytes of the content.
  return yield* streamTraceFile(path, gzip, { ...opts, format });
}
