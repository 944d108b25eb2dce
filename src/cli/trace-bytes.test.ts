/**
 * Issue 21 item 4: gzip read transparently (node:zlib, streaming) for every format, and the real
 * Fuchsia trace ../shared/data/traces/fuchsia_4cpu_ctxsw.json.gz, whose per-cpu switch counts
 * must equal a count made here by a separate pass (gunzip, JSON.parse, count `ph: "k"` by cpu).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../base/index.ts';
import type { TraceRecord } from '../trace/record.ts';
import type { TraceDiagnostics } from '../trace/trace-diagnostics.ts';
import { TraceFormatError } from '../trace/trace-format-error.ts';
import { readTraceFile } from './read-trace-file.ts';
import { readTrace } from './replay-trace.ts';
import { describeTraces, tracePath } from '../../test/shared-data.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/traces/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'lazyswitch-gz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(path: string, opts: Parameters<typeof readTraceFile>[1] = {}): Promise<{ records: TraceRecord[]; diag: TraceDiagnostics }> {
  const records: TraceRecord[] = [];
  const gen = readTraceFile(path, opts);
  let r = await gen.next();
  for (; !r.done; r = await gen.next()) records.push(r.value);
  return { records, diag: r.value };
}

function gz(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

describe('gzip, transparently', () => {
  it.each(['trace-cmd-report.txt', 'android-atrace-tgid.txt', 'perf-no-cpu-backward.txt', 'xen-decoded-infprev.txt', 'chrome-systrace.json', 'fuchsia-ctxsw.json', 'perfetto-export.json'])(
    '%s.gz reads as the plain file does',
    async (name) => {
      const plain = await readAll(join(FIXTURES, name));
      const packed = await readAll(gz(`${name}.gz`, gzipSync(readFileSync(join(FIXTURES, name)))));
      expect(packed.records).toEqual(plain.records);
      expect(packed.diag.format).toBe(plain.diag.format);
      expect(packed.diag.header).toEqual({ ...plain.diag.header, gzip: true });
      // Through replay-trace's reader too.
      const viaCli = await readTrace(join(tmp, `${name}.gz`), 'auto', undefined);
      expect(viaCli.records).toEqual(plain.records);
    },
  );

  it('a xentrace binary, gzipped, and concatenated gzip members (gzip -c a b)', async () => {
    const rec = (code: number, data: number[], tsc: number) => [(code | (data.length << 28) | 0x80000000) >>> 0, tsc % 2 ** 32, Math.floor(tsc / 2 ** 32), ...data];
    const words = [...rec(0x0001f003, [0, 0], 1e12), ...rec(0x0002800a, [1, 0, 0x7fff, 0], 1e12 + 5), ...rec(0x0002800a, [0x7fff, 0, 1, 0], 1e12 + 9)];
    const b = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w, true));
    const { records, diag } = await readAll(gz('xen.bin.gz', gzipSync(b)), { tscHz: 1e9 });
    expect(diag.format).toBe('xentrace');
    expect(records.map((r) => r.kind)).toEqual(['switch', 'switch']);
    const text = readFileSync(join(FIXTURES, 'trace-cmd-report.txt'));
    const cut = text.indexOf(10) + 1;
    const two = Buffer.concat([gzipSync(text.subarray(0, cut)), gzipSync(text.subarray(cut))]);
    expect((await readAll(gz('two.txt.gz', two))).records).toEqual((await readAll(join(FIXTURES, 'trace-cmd-report.txt'))).records);
  });

  it('a truncated or corrupt gzip: a TraceFormatError naming zlib\'s reason; replay-trace: exit-2 InputError naming the file', async () => {
    const whole = gzipSync(readFileSync(join(FIXTURES, 'fuchsia-ctxsw.json')));
    const cutFile = gz('cut.json.gz', whole.subarray(0, whole.length - 30));
    await expect(readAll(cutFile)).rejects.toThrow(TraceFormatError);
    await expect(readAll(cutFile)).rejects.toThrow(/not a readable gzip file: unexpected end of file/);
    const bad = Buffer.from(whole);
    bad.fill(0x55, 12, 40);
    await expect(readAll(gz('bad.json.gz', bad))).rejects.toThrow(/not a readable gzip file: .*Z_DATA_ERROR/);
    const e = await readTrace(cutFile, 'auto', undefined).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/cut\.json\.gz: trace: not a readable gzip file/);
  });
});

const FUCHSIA = tracePath('fuchsia_4cpu_ctxsw.json.gz');

describeTraces('fuchsia_4cpu_ctxsw.json.gz (catapult test data, ../shared)', ['fuchsia_4cpu_ctxsw.json.gz'], () => {
  it('per-cpu switch counts equal an independent count of its ph "k" events (46,691 on 4 cpus)', async () => {
    // The independent count: the whole document parsed at once, `ph: "k"` counted by `cpu`.
    const doc = JSON.parse(gunzipSync(readFileSync(FUCHSIA)).toString('utf8')) as { systemTraceEvents: { events: { ph: string; cpu?: number }[] } };
    const want: Record<string, number> = {};
    for (const e of doc.systemTraceEvents.events) if (e.ph === 'k') want[String(e.cpu)] = (want[String(e.cpu)] ?? 0) + 1;
    expect(Object.values(want).reduce((a, b) => a + b, 0)).toBe(46691);
    expect(Object.keys(want)).toHaveLength(4);

    const { records, diag } = await readAll(FUCHSIA);
    expect(diag).toMatchObject({ format: 'chrome-json', malformedCount: 0 });
    expect(diag.header).toMatchObject({ gzip: true, container: 'systemTraceEvents', embeddedFormat: 'fuchsia' });
    const got: Record<string, number> = {};
    for (const r of records) if (r.kind === 'switch') got[String(r.cpu)] = (got[String(r.cpu)] ?? 0) + 1;
    expect(got).toEqual(want);
  });
});
