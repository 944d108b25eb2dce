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
import { type ByteSource, type Decompressor, readTraceDat, type TraceDatOptions } from '../trace/trace-dat.ts';

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
