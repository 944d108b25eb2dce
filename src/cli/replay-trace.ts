/**
 * @module cli/replay-trace: `lazyswitch replay-trace FILE` — a real schedule (ftrace, trace-cmd,
 * perf script, xentrace, Chrome / Perfetto / Fuchsia trace JSON, Perfetto protobuf; any of them gzipped) replayed
 * through every switch design, with the checker on; the facts of the trace and one row per design
 * and architecture (src/sim/replay.ts says how). Optional exports: --perfetto (Chrome trace-event
 * JSON, every run in one file, one block of pids per run) and --ftrace (sched_switch text, one
 * file per run: with several runs the name gets `.<arch>.<design>` before its extension).
 *
 * The file is read in 64 KiB chunks (synchronously; a gzip file, gunzipped as it streams, and
 * Chrome trace JSON go through cli/trace-bytes.ts asynchronously) and the parsers stream; the
 * switch records are kept, as a replay needs them sorted by time. Bad input — an unreadable file,
 * a file that is not a trace, a flag out of range, a trace that cannot be replayed — is an
 * InputError: one message, exit 2.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError } from '../base/index.ts';
import { DEFAULT_CONTRACT, DESIGNS, getDesign, servesContract, type ContractName, type SwitchDesign } from '../hv/index.ts';
import { PROFILES } from '../guest/index.ts';
import { GROUP_RULES, planReplay, replayPlan, type DomainMapping, type GroupRule, type ProfileOverride } from '../sim/index.ts';
import {
  LineSplitter,
  TRACE_FORMATS,
  TraceFormatError,
  TraceParser,
  XentraceParser,
  isXentraceBinary,
  type TraceDiagnostics,
  type TraceFormat,
  type TraceRecord,
} from '../trace/index.ts';
import { TimelineRecorder, renderReplay, type ReplayDocument } from '../report/index.ts';
import { isTraceDat } from '../trace/trace-dat.ts';
import { traceDatRecords } from './trace-dat-file.ts';
import { checkOutPath, writeTimelines, writtenLines, type RecordedRun } from './outputs.ts';
import { isGzip, streamTraceFile } from './trace-bytes.ts';
import { isPerfettoFile, readPerfettoFile } from './read-trace-file.ts';
import { looksLikeJson } from '../trace/chrome-json.ts';
import { contractFlag, resolveArch } from './args.ts';
import { loadDesignFile } from './design-file.ts';
import { DEFAULT_ARCHS, defaultDesigns, watchdogFlag } from './run.ts';
import { Progress } from './progress.ts';
import type { Arch } from '../arch/index.ts';

export interface ReplayTraceFlags {
  format: string;
  design?: string[];
  arch?: string[];
  group?: string;
  profile: string[];
  tscHz?: string;
  json?: boolean;
  perfetto?: string;
  ftrace?: string;
  /** The scheduler-interface generation (hv/contract), as `run --contract`. */
  contract?: string;
  /** Designs of the user's own (cli/design-file.ts), as `run --design-file`. */
  designFile?: string[];
  /** The liveness bound, as `run --watchdog` (default 5s). */
  watchdog?: string;
}

/**
 * A design whose violations on a replay are the expected result, not a finding: kept broken on
 * purpose, or not written for the contract it runs under (run's rule, cli/run.ts
 * unexpectedFailures; xen-x86-lazy-2005 under today's contract).
 */
export function expectedToFail(d: SwitchDesign, contract: ContractName): boolean {
  return d.broken !== undefined || !servesContract(d, contract);
}

const CHUNK = 1 << 16;

function cannot(source: string, where: string, what: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  return new InputError(source, [{ where, message: `${what}: ${code}` }]);
}

/** Stream the file through the parser for its format; TraceFormatError becomes an InputError naming the file and line. */
export async function readTrace(file: string, format: TraceFormat | 'auto', tscHz: number | undefined): Promise<{ records: TraceRecord[]; diag: TraceDiagnostics }> {
  let fd: number;
  try {
    if (statSync(file).isDirectory()) {
      // An LTTng session is a CTF directory (metadata + per-cpu stream files). No well-kept CTF
      // reader exists for Node (issue 21 §3), so babeltrace2 converts it to text, which is read.
      throw new InputError('replay-trace', [
        {
          where: file,
          message: `is a directory, not a trace file; if it is an LTTng (CTF) trace, convert it with \`babeltrace2 ${file} > trace.txt\` and replay trace.txt`,
        },
      ]);
    }
    fd = openSync(file, 'r');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw cannot('replay-trace', file, 'cannot read the trace file', e);
  }
  const records: TraceRecord[] = [];
  const onRecord = (r: TraceRecord) => records.push(r);
  const buf = new Uint8Array(CHUNK);
  try {
    let n = readSync(fd, buf, 0, CHUNK, null);
    const head = buf.subarray(0, Math.min(n, 64));
    // Perfetto protobuf, gzipped or not, streams asynchronously (cli/read-trace-file.ts).
    if (await isPerfettoFile(file, format, isGzip(head), buf.subarray(0, n))) {
      const gen = readPerfettoFile(file, isGzip(head));
      let r = await gen.next();
      for (; !r.done; r = await gen.next()) records.push(r.value);
      return { records, diag: r.value };
    }
    // gzip (of any format) and Chrome trace JSON stream asynchronously (cli/trace-bytes.ts).
    if (isGzip(head) || format === 'chrome-json' || (format === 'auto' && looksLikeJson(head))) {
      const gen = streamTraceFile(file, isGzip(head), { format, tscHz });
      let r = await gen.next();
      for (; !r.done; r = await gen.next()) records.push(r.value);
      return { records, diag: r.value };
    }
    if ((format === 'auto' || format === 'xentrace') && isXentraceBinary(buf.subarray(0, Math.min(n, 16)))) {
      const parser = new XentraceParser({ tscHz, onRecord });
      while (n > 0) {
        parser.push(buf.slice(0, n));
        n = readSync(fd, buf, 0, CHUNK, null);
      }
      return { records, diag: parser.end() };
    }
    // trace-cmd's binary trace.dat: random access, not a stream (src/trace/trace-dat.ts).
    if (format === 'trace-dat' || ((format === 'auto' || format === 'trace-cmd') && isTraceDat(buf.subarray(0, Math.min(n, 16))))) {
      return traceDatRecords(fd, { tscHz });
    }
    const parser = new TraceParser(format, { tscHz, onRecord });
    const push = (l: string) => parser.push(l);
    const splitter = new LineSplitter();
    const dec = new TextDecoder('utf-8');
    while (n > 0) {
      splitter.push(dec.decode(buf.subarray(0, n), { stream: true }), push);
      n = readSync(fd, buf, 0, CHUNK, null);
    }
    splitter.push(dec.decode(), push);
    splitter.end(push);
    return { records, diag: parser.end() };
  } catch (e) {
    if (e instanceof TraceFormatError) throw new InputError(file, [{ where: e.line ? `line ${e.line}` : 'trace', message: e.message }]);
    if ((e as NodeJS.ErrnoException).code) throw cannot('replay-trace', file, 'cannot read the trace file', e);
    throw e;
  } finally {
    closeSync(fd);
  }
}

const MappingSchema = z.object({
  domains: z.record(z.string().min(1), z.array(z.union([z.string().min(1), z.number().int().nonnegative()])).min(1)),
});

/** --group FILE: `{ domains: { name: [comm glob | pid | /regex/] } }` in YAML or JSON. */
export function loadMapping(file: string): DomainMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw cannot('--group', '--group', `"${file}" is not one of ${GROUP_RULES.join(', ')} and cannot be read as a mapping file`, e);
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new InputError('--group', [{ where: file, message: `not valid YAML/JSON: ${doc.errors[0].message.split('\n')[0]}` }]);
  const parsed = MappingSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new InputError(
      '--group',
      parsed.error.issues.map((i) => ({
        where: `${file}: ${i.path.length ? i.path.join('.') : '(top level)'}`,
        message: `${i.message} (expected { domains: { NAME: [comm glob, pid or /regex/, …] } })`,
      })),
    );
  }
  for (const pats of Object.values(parsed.data.domains)) {
    for (const p of pats) {
      if (typeof p === 'string' && p.length > 2 && p.startsWith('/') && p.endsWith('/')) {
        try {
          new RegExp(p.slice(1, -1));
        } catch (e) {
          throw new InputError('--group', [{ where: file, message: `${p} is not a regular expression: ${(e as Error).message}` }]);
        }
      }
    }
  }
  return parsed.data;
}

export function parseProfileFlag(text: string): ProfileOverride {
  const i = text.lastIndexOf('=');
  if (i <= 0 || i === text.length - 1) throw new InputError('--profile', [{ where: '--profile', message: `"${text}" is not COMM=PROFILE (e.g. "RenderThread=vector", "kworker*=int")` }]);
  const o = { pattern: text.slice(0, i), profile: text.slice(i + 1) };
  if (!PROFILES.some((p) => p.name === o.profile)) {
    throw new InputError('--profile', [{ where: '--profile', message: `unknown guest profile "${o.profile}" in "${text}"; expected one of ${PROFILES.map((p) => p.name).join(', ')}` }]);
  }
  return o;
}

function parseTscHz(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?(e\d+)?\s*$/i.test(text) || !Number.isFinite(n) || n < 1e3 || n > 1e12) {
    throw new InputError('replay-trace', [{ where: '--tsc-hz', message: `"${text}" is not a TSC rate in Hz (e.g. 2.4e9; 1e3..1e12)` }]);
  }
  return n;
}

/** Replays the trace and prints the comparison; returns the exit status (1: a design expected to be correct had a violation). */
export async function replayTraceCommand(file: string, f: ReplayTraceFlags, out: (s: string) => void): Promise<number> {
  const format = f.format as TraceFormat | 'auto';
  if (format !== 'auto' && !TRACE_FORMATS.includes(format)) {
    throw new InputError('--format', [{ where: '--format', message: `unknown trace format "${f.format}"; expected auto or one of ${TRACE_FORMATS.join(', ')}` }]);
  }
  const archs: Arch[] = (f.arch?.length ? f.arch.flatMap((a) => a.split(',')) : DEFAULT_ARCHS).map(resolveArch);
  const contract = contractFlag(f.contract ?? DEFAULT_CONTRACT);
  // Default: the designs `run` compares (none kept broken, each written for the contract);
  // `--design all`: every built-in one, the broken ones marked as expected failures.
  const named = f.design?.length ? f.design.flatMap((d) => d.split(',')) : [];
  const fromFiles: SwitchDesign[] = [];
  for (const file of f.designFile ?? []) fromFiles.push(await loadDesignFile(file));
  const chosen = named.includes('all') ? [...DESIGNS] : named.map(getDesign);
  const designs: SwitchDesign[] = named.length || fromFiles.length ? [...chosen, ...fromFiles] : defaultDesigns(contract);
  const group: GroupRule | undefined = f.group === undefined ? undefined : (GROUP_RULES as readonly string[]).includes(f.group) ? (f.group as GroupRule) : loadMapping(f.group);
  const profiles = f.profile.map(parseProfileFlag);
  const tscHz = parseTscHz(f.tscHz);
  const watchdogSeconds = watchdogFlag(f.watchdog);
  checkOutPath('--perfetto', f.perfetto);
  checkOutPath('--ftrace', f.ftrace);

  const pairs: { arch: Arch; design: SwitchDesign }[] = [];
  const skipped: NonNullable<ReplayDocument['skipped']> = [];
  for (const arch of archs) {
    for (const design of designs) {
      const ok = design.supports(arch);
      if (ok === true) pairs.push({ arch, design });
      // As in `run`: a design chosen by default that declines an architecture is simply not run there.
      else if (named.length || fromFiles.length) skipped.push({ design: design.name, arch: arch.name, reason: ok });
    }
  }
  if (!pairs.length) throw new InputError('--design', skipped.map((s) => ({ where: '--design', message: `${s.design} does not support ${s.arch}: ${s.reason}` })));

  const { records, diag } = await readTrace(file, format, tscHz);
  const plan = planReplay(records, diag, { group, profiles, source: file });
  records.length = 0; // the plan holds what the replay needs

  const wantTimeline = f.perfetto !== undefined || f.ftrace !== undefined;
  const results: ReplayDocument['results'] = [];
  const timelines: RecordedRun[] = [];
  const progress = new Progress('lazyswitch replay-trace');
  pairs.forEach(({ arch, design }, i) => {
    const tracer = wantTimeline ? new TimelineRecorder() : null;
    const r = replayPlan(plan, {
      arch,
      design,
      contract,
      tracer,
      watchdogSeconds,
      onProgress: (fr) => progress.update((i + fr) / pairs.length, `${design.name} on ${arch.name}`),
      onDone: (st) => {
        if (tracer) timelines.push({ arch: arch.name, design: design.name, timeline: tracer.finish(st) });
      },
    });
    results.push({ ...r, expected: expectedToFail(design, contract) });
  });
  progress.done();
  const failed = results.filter((r) => r.violationCount > 0 && !r.expected);

  const h = diag.header;
  const doc: ReplayDocument = { trace: { ...plan.facts, file, ...(h.embeddedFormat ? { embeddedFormat: h.embeddedFormat } : {}), ...(h.gzip ? { gzip: true } : {}) }, results, ...(skipped.length ? { skipped } : {}), contract };
  // Linux tasks keep their comm and pid in --ftrace output; Xen vcpus (whose pid, the vcpu id,
  // repeats across domains) keep their d<dom>v<n> name and get the model's vcpu id.
  const tasks: { comm: string; pid: number }[] = [];
  for (const t of plan.tasks) tasks[t.vcpu] = plan.facts.format === 'xentrace' ? { comm: t.name, pid: t.vcpu } : { comm: t.comm, pid: t.pid };
  const written = writtenLines(writeTimelines(f, timelines, results.map((r) => r.violations), { offsetSeconds: plan.facts.startSeconds, tasks }));
  if (f.json) {
    out(JSON.stringify(doc, null, 2));
    for (const w of written) process.stderr.write(`${w}\n`);
    return failed.length ? 1 : 0;
  }
  out(`lazyswitch replay-trace: ${pairs.length} run${pairs.length === 1 ? '' : 's'} (${[...new Set(pairs.map((p) => p.design.name))].join(', ')} on ${[...new Set(pairs.map((p) => p.arch.name))].join(', ')})${contract !== DEFAULT_CONTRACT ? `, contract ${contract}` : ''}, checker on\n`);
  out(renderReplay(doc));
  if (written.length) out(`\n${written.join('\n')}`);
  if (failed.length) out(`\nexit status 1: ${failed.map((r) => `${r.design} on ${r.arch} (${r.violationCount} violations)`).join(', ')} — not kept broken on purpose and written for contract ${contract}, so these are findings`);
  return failed.length ? 1 : 0;
}
