/**
 * @module cli/trace-dat-file: the node side of the trace.dat reader (src/trace/trace-dat.ts):
 * random access over a file descriptor, and the codecs node:zlib has for v7's compressed sections.
 *
 * trace-cmd compresses with zlib's compress2() (zlib format, RFC 1950: inflateSync) or zstd
 * (lib/trace-cmd/trace-compress-zlib.c, trace-compress-zstd.c). zstd is in node:zlib only from
 * Node 22.15 / 23.8; where it is missing the reader refuses the file naming the codec.
 */
import { fstatSync, readSync } from 'node:fs';
import * as zlib from 'node:zlib';
import type { TraceRecord } from '../trace/record.ts';
import type { TraceDiagnostics } from '../trace/trace-diagnostics.ts';
import { type ByteSource, bytesSource, type Decompressor, readTraceDat, type TraceDatOptions } from '../trace/trace-dat.ts';
import { TraceFormatError } from '../trace/trace-format-error.ts';

/** A ByteSource reading an open file with positioned reads. */
export function fdByteSource(fd: number): ByteSource {
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
  };
}

type ZstdSync = (b: Uint8Array, o?: { maxOutputLength?: number }) => Uint8Array;

/** zlib always; zstd where this Node has it. */
export const nodeDecompress: Decompressor = (codec, data, size) => {
  if (codec === 'zlib') return zlib.inflateSync(data, { maxOutputLength: Math.max(size, 1) });
  const zstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
  if (codec === 'zstd' && typeof zstd === 'function') return zstd(data, { maxOutputLength: Math.max(size, 1) });
  return undefined;
};

/** Read the trace.dat open on `fd`; records go to `onRecord`. */
export function readTraceDatFd(fd: number, opts: Omit<TraceDatOptions, 'decompress'> = {}): TraceDiagnostics {
  return readTraceDat(fdByteSource(fd), { ...opts, decompress: nodeDecompress });
}

/** Collect the records of the trace.dat open on `fd`. */
export function traceDatRecords(fd: number, opts: Omit<TraceDatOptions, 'decompress' | 'onRecord'> = {}): { records: TraceRecord[]; diag: TraceDiagnostics } {
  const records: TraceRecord[] = [];
  const diag = readTraceDatFd(fd, { ...opts, onRecord: (r) => records.push(r) });
  return { records, diag };
}

/** The largest decompressed trace.dat held whole in memory (a gzipped one: random access needs it). */
export const MAX_GUNZIPPED_DAT = 2 ** 31;

/**
 * A trace.dat given as a stream of byte chunks (a `.dat.gz` gunzipped as it streams): the bytes
 * are collected, as the file is read by random access, then read like a file.
 */
export async function traceDatFromChunks(chunks: AsyncIterable<Uint8Array>, opts: Omit<TraceDatOptions, 'decompress'> = {}): Promise<TraceDiagnostics> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > MAX_GUNZIPPED_DAT) {
      throw new TraceFormatError(`trace.dat: the gzipped trace.dat decompresses to more than ${MAX_GUNZIPPED_DAT} bytes, too large to hold in memory; gunzip it and give the .dat`);
    }
    parts.push(c);
  }
  const all = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return readTraceDat(bytesSource(all), { ...opts, decompress: nodeDecompress });
}
