/**
 * @module trace/ftrace-line: one line of ftrace text, trace-cmd report or trace-cmd report -R.
 *
 * All three share the ftrace line prefix:
 *   `<comm>-<pid> [(<tgid>)] [<cpu>] [<flags>] <secs>.<usecs>: <event>: <payload>`
 * with the TGID column only under `print-tgid` (atrace), flags absent (old kernels, trace-cmd
 * without -l), 4 chars (3.x-5.x) or 5 chars (6.x), and the event name padded by trace-cmd.
 * The prefix is located from the `[<cpu>]` token, then read backwards for pid and tgid: the comm
 * before it is free text (it may contain '-', ' ', ':', '/', even '['), so it is split at the
 * last '-' before the pid, and never needs to be sliced at all because the payload names prev
 * and next itself.
 */
import type { TraceRecord } from './record.ts';
import { type LineProblem, parseSchedEvent } from './sched-payload.ts';
import { isDigit, parseUintAt, skipSpaces } from './text-scan.ts';

/** The logging task and cpu of the last parsed line; reused, so a parse allocates nothing for it. */
export interface LinePrefix {
  pid: number;
  /** -1 when there is no TGID column or it reads `(-----)`. */
  tgid: number;
  cpu: number;
  /**
   * How the line's timestamp was printed: 0 `<secs>.<usecs>` (or any decimal fraction); 1 an
   * integer after a space (a counter clock); 2 an integer glued to the cpu column
   * (`[002]259445106948920:`), which only trace-cmd 3.x report prints: integer nanoseconds when
   * libtraceevent does not know the trace clock is in µs (print_event_time()'s raw `%llu`).
   */
  intTs: 0 | 1 | 2;
}

export function newLinePrefix(): LinePrefix {
  return { pid: -1, tgid: -1, cpu: -1, intTs: 0 };
}

/**
 * A line parse: a record; `'other'`, a well-formed line of another event; `'none'`, not an
 * event line at all (header, continuation, garbage); or a LineProblem, a line with the form of
 * an event line whose sched payload (or timestamp) cannot be read.
 */
export type LineParse = TraceRecord | 'other' | 'none' | LineProblem;

const scratch = newLinePrefix();

/**
 * Where the `[<cpu>]` token is, and the prefix before it is `<comm>-<pid> [(<tgid>)]`.
 * Fills `out` and returns the index of the ']' closing the cpu token, or -1.
 */
export function findFtracePrefix(s: string, out: LinePrefix): number {
  let i = s.indexOf('[');
  while (i >= 0) {
    let j = i + 1;
    while (isDigit(s.charCodeAt(j))) j++;
    if (i > 0 && j > i + 1 && s.charCodeAt(j) === 93 && s.charCodeAt(i - 1) === 32 && readPidBefore(s, i - 1, out)) {
      out.cpu = parseUintAt(s, i + 1, j);
      return j;
    }
    i = s.indexOf('[', i + 1);
  }
  return -1;
}

/** Backwards from `k` (a space): `<comm>-<pid> [(<tgid>)]`. */
function readPidBefore(s: string, k: number, out: LinePrefix): boolean {
  while (k >= 0 && s.charCodeAt(k) === 32) k--;
  out.tgid = -1;
  if (s.charCodeAt(k) === 41 /* ) */) {
    const open = s.lastIndexOf('(', k);
    if (open < 0) return false;
    const a = skipSpaces(s, open + 1);
    const t = parseUintAt(s, a, k);
    if (Number.isNaN(t)) {
      // `(-----)`: the TGID was not in the saved-tgid cache.
      for (let q = a; q < k; q++) if (s.charCodeAt(q) !== 45 && s.charCodeAt(q) !== 32) return false;
    } else out.tgid = t;
    k = open - 1;
    while (k >= 0 && s.charCodeAt(k) === 32) k--;
  }
  const e = k + 1;
  while (k >= 0 && isDigit(s.charCodeAt(k))) k--;
  if (k + 1 === e || k < 0 || s.charCodeAt(k) !== 45 /* - */) return false;
  out.pid = parseUintAt(s, k + 1, e);
  return true;
}

/**
 * Parse one line (no trailing newline). `prefix`, if given, receives the logging task and cpu,
 * which the driver uses to learn TGIDs.
 */
export function parseFtraceLine(s: string, line: number, prefix: LinePrefix = scratch): LineParse {
  const cb = findFtracePrefix(s, prefix);
  if (cb < 0) return 'none';
  const n = s.length;
  // After `[cpu]`: an optional flags token, then the timestamp token ending in ':'.
  let p = skipSpaces(s, cb + 1);
  let te = s.indexOf(' ', p);
  if (te < 0) te = n;
  if (s.charCodeAt(te - 1) !== 58 /* : */) {
    if (te - p > 6) return { reason: `no timestamp after the cpu column [${prefix.cpu}]` };
    p = skipSpaces(s, te);
    te = s.indexOf(' ', p);
    if (te < 0) te = n;
    if (s.charCodeAt(te - 1) !== 58) return { reason: 'no "<secs>.<usecs>:" timestamp after the flags column' };
  }
  const ts = parseTimestamp(s, p, te - 1);
  if (Number.isNaN(ts)) return { reason: `timestamp '${s.slice(p, te - 1)}' is not a number` };
  let intTs: 0 | 1 | 2 = p === cb + 1 ? 2 : 1;
  for (let i = p; i < te - 1; i++) {
    if (s.charCodeAt(i) === 46 /* . */) {
      intTs = 0;
      break;
    }
  }
  prefix.intTs = intTs;
  p = skipSpaces(s, te);
  const ee = s.indexOf(':', p);
  if (ee < 0 || ee === p) return { reason: 'no "<event>:" after the timestamp' };
  const r = parseSchedEvent(s, p, ee, ee + 1, line, prefix.cpu, ts);
  return r === undefined ? 'other' : r;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** `<secs>.<usecs>` (or an integer counter clock) in s[a, b); NaN otherwise. */
export function parseTimestamp(s: string, a: number, b: number): number {
  if (a >= b) return NaN;
  // All digits as one integer N, then N / 10^decimals: both operands are exact doubles while
  // N < 2^53, so the quotient is the correctly rounded value, the same double Number() gives.
  let n = 0;
  let dot = -1;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot < 0) dot = i;
    else if (c >= 48 && c <= 57) n = n * 10 + (c - 48);
    else return NaN;
  }
  if (dot < 0) return b - a <= 15 ? n : Number(s.slice(a, b));
  if (dot === a || dot === b - 1) return NaN;
  const decimals = b - dot - 1;
  if (n <= Number.MAX_SAFE_INTEGER && decimals < POW10.length) return n / POW10[decimals];
  return Number(s.slice(a, b));
}

/** What a `#` comment or a trace-cmd header line says about the trace. */
export interface HeaderFacts {
  cpus?: number;
  lost?: number;
  traceCmdVersion?: number;
  /** `# tracer:` (ftrace) or `cpus=`/`version =` (trace-cmd). */
  family?: 'ftrace' | 'trace-cmd';
}

/**
 * Header lines: `# entries-in-buffer/entries-written: N/M   #P:4`, `# tracer: nop`,
 * trace-cmd's `version = 6`, `cpus=6`, `CPU:7 [204600 EVENTS DROPPED]`, the kernel's
 * `CPU:2 [LOST 12 EVENTS]`. Undefined if it is none of them.
 */
export function parseFtraceHeader(s: string): HeaderFacts | undefined {
  const t = skipSpaces(s, 0);
  if (s.charCodeAt(t) === 35 /* # */) {
    if (s.startsWith('tracer:', skipSpaces(s, t + 1))) return { family: 'ftrace' };
    const ew = s.indexOf('entries-in-buffer/entries-written:');
    if (ew < 0) return undefined;
    const facts: HeaderFacts = { family: 'ftrace' };
    const m = /entries-written:\s*(\d+)\/(\d+)/.exec(s);
    if (m) facts.lost = Math.max(0, Number(m[2]) - Number(m[1]));
    const pm = /#P:(\d+)/.exec(s);
    if (pm) facts.cpus = Number(pm[1]);
    return facts;
  }
  if (s.startsWith('cpus=', t)) {
    const c = parseUintAt(s, t + 5, s.length);
    return Number.isNaN(c) ? undefined : { family: 'trace-cmd', cpus: c };
  }
  if (s.startsWith('version = ', t)) {
    const v = parseUintAt(s, t + 10, s.length);
    return Number.isNaN(v) ? undefined : { family: 'trace-cmd', traceCmdVersion: v };
  }
  if (s.startsWith('CPU:', t)) {
    // The kernel's ring-buffer text prints `CPU:%d [LOST %lu EVENTS]`; trace-cmd report prints
    // `CPU:%d [%lld EVENTS DROPPED]`, or `[EVENTS DROPPED]` when the count is unknown.
    const m = /^CPU:\s*\d+\s+\[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED|(EVENTS DROPPED))\]/.exec(s.slice(t));
    if (m) return { lost: m[3] ? 0 : Number(m[1] ?? m[2]) };
  }
  if (/^CPU \d+ is empty/.test(s.slice(t))) return {};
  return undefined;
}
