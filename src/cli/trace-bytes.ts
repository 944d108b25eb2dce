/**
 * @module cli/trace-bytes: a trace file's bytes as a stream, gunzipped transparently, and the
 * stream readers for the byte-level formats that need no random access (xentrace binary, Chrome
 * trace JSON, text).
 *
 * gzip (RFC 1952) is recognised by its magic bytes 1f 8b, whatever the file is called, and read
 * through node:zlib's streaming Gunzip (concatenated members included, as `gzip -c a b` writes
 * them), so a `.json.gz` or `.txt.gz` is never held whole. A corrupt or truncated gzip is a
 * TraceFormatError naming zlib's reason, not a stack trace.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { ChromeJsonParser, looksLikeJson } from '../trace/chrome-json.ts';
import type { TraceFormat, TraceRecord } from '../trace/record.ts';
import type { TraceDiagnostics } from '../trace/trace-diagnostics.ts';
import { TraceFormatError } from '../trace/trace-format-error.ts';
import { LineSplitter } from '../trace/text-lines.ts';
import { parseTraceLinesAsync, type TraceParserOptions } from '../trace/trace-parser.ts';
import { isXentraceBinary, XentraceParser } from '../trace/xentrace-binary.ts';
import { isTraceDat } from '../trace/trace-dat.ts';
import { traceDatFromChunks } from './trace-dat-file.ts';

const CHUNK = 1 << 16;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The file's bytes, in chunks of up to 64 KiB; gunzipped when `gzip`. */
export async function* fileBytes(path: string, gzip: boolean): AsyncGenerator<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  if (!gzip) {
    for await (const c of raw) yield c as Uint8Array;
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  let out = 0;
  try {
    for await (const c of gunzip) {
      out += (c as Uint8Array).length;
      yield c as Uint8Array;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw new TraceFormatError(`not a readable gzip file: ${(e as Error).message} (${code}, after ${out} bytes of output)`);
    throw e;
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}

/** UTF-8 text of byte chunks, decoded as it streams. */
async function* textOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const dec = new TextDecoder('utf-8');
  for await (const c of chunks) yield dec.decode(c, { stream: true });
  const tail = dec.decode();
  if (tail) yield tail;
}

async function* linesOfText(text: AsyncIterable<string>): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const out: string[] = [];
  const take = (l: string) => out.push(l);
  for await (const t of text) {
    splitter.push(t, take);
    for (let i = 0; i < out.length; i++) yield out[i];
    out.length = 0;
  }
  splitter.end(take);
  yield* out;
}

export interface StreamOptions extends Omit<TraceParserOptions, 'onRecord'> {
  format?: TraceFormat | 'auto';
}

/**
 * Records of a trace file read as a stream (gzip or not): xentrace binary, Chrome trace JSON, or
 * text, by the first bytes of its (decompressed) content; the generator returns the diagnostics.
 */
export async function* streamTraceFile(path: string, gzip: boolean, opts: StreamOptions = {}): AsyncGenerator<TraceRecord, TraceDiagnostics> {
  const format = opts.format ?? 'auto';
  const it = fileBytes(path, gzip)[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const chunks = async function* () {
    if (!first.done) yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  const queue: TraceRecord[] = [];
  const onRecord = (r: TraceRecord) => queue.push(r);
  let d: TraceDiagnostics;
  if ((format === 'auto' || format === 'xentrace') && isXentraceBinary(head.subarray(0, 16))) {
    const parser = new XentraceParser({ ...opts, onRecord });
    for await (const c of chunks()) {
      parser.push(c);
      for (let i = 0; i < queue.length; i++) yield queue[i];
      queue.length = 0;
    }
    d = parser.end();
  } else if (format === 'trace-dat' || ((format === 'auto' || format === 'trace-cmd') && isTraceDat(head.subarray(0, 16)))) {
    // A gzipped trace.dat (cli/trace-dat-file.ts): held whole, as it is read by random access.
    d = await traceDatFromChunks(chunks(), { tscHz: opts.tscHz, diagnostics: opts.diagnostics, keepMalformed: opts.keepMalformed, onRecord });
  } else if (format === 'chrome-json' || (format === 'auto' && looksLikeJson(head.subarray(0, 64)))) {
    const parser = new ChromeJsonParser({ diagnostics: opts.diagnostics, keepMalformed: opts.keepMalformed, onRecord });
    for await (const t of textOf(chunks())) {
      parser.push(t);
      for (let i = 0; i < queue.length; i++) yield queue[i];
      queue.length = 0;
    }
    d = parser.end();
  } else {
    const gen = parseTraceLinesAsync(linesOfText(textOf(chunks())), { ...opts, format });
    let r = await gen.next();
    for (; !r.done; r = await gen.next()) yield r.value;
    d = r.value;
  }
  yield* queue;
  if (gzip) d.header.gzip = true;
  return d;
}
