/**
 * @module trace/sched-payload: the text after `sched_switch:` / `sched_wakeup:`, in every layout.
 *
 * The same payload appears in ftrace, trace-cmd and perf output, in three layouts:
 * 1. key=value, the kernel's TP_printk: `prev_comm=sh prev_pid=70 prev_prio=120 prev_state=S ==>
 *    next_comm=swapper/0 next_pid=0 next_prio=120`, with or without `==>` (trace-cmd -R prints
 *    the fields raw, state numeric) and with vendor fields appended;
 * 2. compact, trace-cmd's and perf's sched_switch plugin: `sh:70 [120] S ==> swapper/0:0 [120]`,
 *    the pid after the last ':' because comms contain ':';
 * 3. 2.6.30's `task sh:70 [120] ==> swapper/0:0 [120]`, the compact form without a state.
 * Comms may contain spaces, '-', ':' and '/', so values are delimited by the next key, not by spaces.
 */
import type { SwitchRecord, WakeupRecord } from './record.ts';
import { hasAt, nextKey, parseIntAt, parseUintAt, skipSpaces } from './text-scan.ts';

/** Why a line that has the form of a sched event could not be read; counted as malformed. */
export interface LineProblem {
  reason: string;
}

function problem(reason: string): LineProblem {
  return { reason };
}

export function switchRecord(
  line: number,
  ts: number,
  cpu: number,
  prevComm: string,
  prevPid: number,
  prevState: string,
  nextComm: string,
  nextPid: number,
  prevPrio: number | undefined,
  nextPrio: number | undefined,
): SwitchRecord {
  // One literal, all fields in one order: every SwitchRecord shares a hidden class.
  return {
    kind: 'switch',
    line,
    ts,
    cpu,
    prevComm,
    prevPid,
    prevState,
    nextComm,
    nextPid,
    prevPrio,
    nextPrio,
    prevTgid: undefined,
    nextTgid: undefined,
    prevDom: undefined,
    nextDom: undefined,
  };
}

export function wakeupRecord(
  line: number,
  ts: number,
  cpu: number,
  comm: string,
  pid: number,
  targetCpu: number | undefined,
  prio: number | undefined,
  success: boolean | undefined,
  wakeKind: 'new' | 'waking' | undefined,
): WakeupRecord {
  return { kind: 'wakeup', line, ts, cpu, comm, pid, targetCpu, prio, tgid: undefined, dom: undefined, success, wakeKind };
}

function optInt(n: number): number | undefined {
  return Number.isNaN(n) ? undefined : n;
}

/** `start` is the first non-space character after `sched_switch:`. */
export function parseSwitchPayload(s: string, start: number, line: number, cpu: number, ts: number): SwitchRecord | LineProblem {
  if (hasAt(s, start, 'prev_comm=')) {
    return parseSwitchKernelOrder(s, start, line, cpu, ts) ?? parseSwitchKeyValue(s, start, line, cpu, ts);
  }
  return parseSwitchCompact(s, start, line, cpu, ts);
}

/** Digits from `i` up to a space or the end; the index after them, with the value in `uintOut.v`. */
const uintOut = { v: 0 };
function readUint(s: string, i: number): number {
  const n = s.length;
  const start = i;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  uintOut.v = v;
  return i === start ? -1 : i;
}

function readInt(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) {
    const e = readUint(s, i + 1);
    uintOut.v = -uintOut.v;
    return e;
  }
  return readUint(s, i);
}

/**
 * Fast path for the exact field order and spacing of the kernel's TP_printk (also trace-cmd -R):
 * a handful of indexOf/hasAt calls instead of a key scan at every space. Returns undefined
 * on any deviation, so the general key scan decides (and words the error).
 */
function parseSwitchKernelOrder(s: string, start: number, line: number, cpu: number, ts: number): SwitchRecord | undefined {
  const n = s.length;
  const pp = s.indexOf(' prev_pid=', start + 10);
  if (pp < 0) return undefined;
  const prevComm = s.slice(start + 10, pp);
  let i = readUint(s, pp + 10);
  if (i < 0 || !hasAt(s, i, ' prev_prio=')) return undefined;
  const prevPid = uintOut.v;
  i = readInt(s, i + 11);
  if (i < 0 || !hasAt(s, i, ' prev_state=')) return undefined;
  const prevPrio = uintOut.v;
  const st = i + 12;
  let se = s.indexOf(' ', st);
  if (se < 0 || se === st) return undefined;
  const prevState = s.slice(st, se);
  if (hasAt(s, se, ' ==>')) se += 4;
  if (!hasAt(s, se, ' next_comm=')) return undefined;
  const nc = se + 11;
  const np = s.indexOf(' next_pid=', nc);
  if (np < 0) return undefined;
  const nextComm = s.slice(nc, np);
  i = readUint(s, np + 10);
  if (i < 0) return undefined;
  const nextPid = uintOut.v;
  let nextPrio: number | undefined;
  if (hasAt(s, i, ' next_prio=')) {
    i = readInt(s, i + 11);
    if (i < 0) return undefined;
    nextPrio = uintOut.v;
  }
  // Vendor kernels append fields after next_prio; anything else here means an unusual layout.
  if (i < n && s.charCodeAt(i) !== 32) return undefined;
  return switchRecord(line, ts, cpu, prevComm, prevPid, prevState, nextComm, nextPid, prevPrio, nextPrio);
}

function parseSwitchKeyValue(s: string, start: number, line: number, cpu: number, ts: number): SwitchRecord | LineProblem {
  let prevComm: string | undefined;
  let nextComm: string | undefined;
  let prevState: string | undefined;
  let prevPid = NaN;
  let nextPid = NaN;
  let prevPrio = NaN;
  let nextPrio = NaN;
  let ks = start;
  while (ks >= 0) {
    const eq = s.indexOf('=', ks);
    const nk = nextKey(s, eq + 1);
    // Values are separated from the next key by exactly one space in TP_printk output.
    const ve = nk < 0 ? s.length : nk - 1;
    const vs = eq + 1;
    switch (eq - ks) {
      case 8:
        if (s.startsWith('prev_pid', ks)) prevPid = parseUintAt(s, vs, ve);
        else if (s.startsWith('next_pid', ks)) nextPid = parseUintAt(s, vs, ve);
        break;
      case 9:
        if (s.startsWith('prev_comm', ks)) prevComm = s.slice(vs, ve);
        else if (s.startsWith('next_comm', ks)) nextComm = s.slice(vs, ve);
        else if (s.startsWith('prev_prio', ks)) prevPrio = parseIntAt(s, vs, ve);
        else if (s.startsWith('next_prio', ks)) nextPrio = parseIntAt(s, vs, ve);
        break;
      case 10:
        if (s.startsWith('prev_state', ks)) {
          // `S ==>`: the arrow is not a key, so it trails the state value.
          let e = ve;
          if (e - vs >= 3 && s.startsWith('==>', e - 3)) e -= 3;
          while (e > vs && s.charCodeAt(e - 1) === 32) e--;
          prevState = s.slice(vs, e);
        }
        break;
    }
    ks = nk;
  }
  if (prevComm === undefined) return problem('sched_switch payload has no prev_comm=');
  if (Number.isNaN(prevPid)) return problem('sched_switch payload has no numeric prev_pid=');
  if (nextComm === undefined) return problem('sched_switch payload has no next_comm=');
  if (Number.isNaN(nextPid)) return problem('sched_switch payload has no numeric next_pid=');
  if (prevState === undefined || prevState.length === 0) return problem('sched_switch payload has no prev_state=');
  return switchRecord(line, ts, cpu, prevComm, prevPid, prevState, nextComm, nextPid, optInt(prevPrio), optInt(nextPrio));
}

/** `comm:pid` in s[start, end): the pid follows the last ':'. Returns the colon index, or -1. */
function commPidColon(s: string, start: number, end: number): number {
  const colon = s.lastIndexOf(':', end - 1);
  return colon >= start ? colon : -1;
}

function parseSwitchCompact(s: string, start: number, line: number, cpu: number, ts: number): SwitchRecord | LineProblem {
  const arrow = s.indexOf(' ==> ', start);
  if (arrow < 0) return problem('sched_switch payload is neither prev_comm=... nor comm:pid [prio] S ==> comm:pid [prio]');

  // Left of the arrow, from the right: [state] [prio] comm:pid.
  let l = start;
  let le = arrow;
  while (le > l && s.charCodeAt(le - 1) === 32) le--;
  let prevState = '?';
  if (s.charCodeAt(le - 1) !== 93 /* ] */) {
    const sp = s.lastIndexOf(' ', le - 1);
    if (sp < l) return problem('sched_switch compact payload: no comm:pid before the state');
    prevState = s.slice(sp + 1, le);
    le = sp;
    while (le > l && s.charCodeAt(le - 1) === 32) le--;
  } else if (s.startsWith('task ', l)) {
    l += 5; // 2.6.30: `task comm:pid [prio] ==> ...`, which has no state.
  }
  let prevPrio: number | undefined;
  if (s.charCodeAt(le - 1) === 93) {
    const lb = s.lastIndexOf(' [', le - 1);
    if (lb < l) return problem('sched_switch compact payload: unbalanced [prio]');
    prevPrio = optInt(parseIntAt(s, lb + 2, le - 1));
    le = lb;
  }
  const pc = commPidColon(s, l, le);
  if (pc < 0) return problem('sched_switch compact payload: prev has no comm:pid');
  const prevPid = parseUintAt(s, pc + 1, le);
  if (Number.isNaN(prevPid)) return problem('sched_switch compact payload: prev pid is not a number');

  // Right of the arrow: comm:pid [prio], possibly followed by fields we ignore.
  const r = arrow + 5;
  let re = s.length;
  while (re > r && s.charCodeAt(re - 1) === 32) re--;
  let nextPrio: number | undefined;
  const rb = s.lastIndexOf(' [', re - 1);
  if (rb >= r) {
    const close = s.indexOf(']', rb);
    if (close > 0) {
      nextPrio = optInt(parseIntAt(s, rb + 2, close));
      re = rb;
    }
  }
  const nc = commPidColon(s, r, re);
  if (nc < 0) return problem('sched_switch compact payload: next has no comm:pid');
  const nextPid = parseUintAt(s, nc + 1, re);
  if (Number.isNaN(nextPid)) return problem('sched_switch compact payload: next pid is not a number');
  return switchRecord(line, ts, cpu, s.slice(l, pc), prevPid, prevState, s.slice(r, nc), nextPid, prevPrio, nextPrio);
}

/** `start` is the first non-space character after `sched_wakeup:` (or _new, or sched_waking). */
export function parseWakeupPayload(
  s: string,
  start: number,
  line: number,
  cpu: number,
  ts: number,
  wakeKind: 'new' | 'waking' | undefined,
): WakeupRecord | LineProblem {
  if (hasAt(s, start, 'comm=')) {
    return parseWakeupKernelOrder(s, start, line, cpu, ts, wakeKind) ?? parseWakeupKeyValue(s, start, line, cpu, ts, wakeKind);
  }
  return parseWakeupCompact(s, start, line, cpu, ts, wakeKind);
}

/** Fast path for `comm=%s pid=%d prio=%d [success=%d] target_cpu=%03d`, as parseSwitchKernelOrder. */
function parseWakeupKernelOrder(
  s: string,
  start: number,
  line: number,
  cpu: number,
  ts: number,
  wakeKind: 'new' | 'waking' | undefined,
): WakeupRecord | undefined {
  const pp = s.indexOf(' pid=', start + 5);
  if (pp < 0) return undefined;
  const comm = s.slice(start + 5, pp);
  let i = readUint(s, pp + 5);
  if (i < 0 || !hasAt(s, i, ' prio=')) return undefined;
  const pid = uintOut.v;
  i = readInt(s, i + 6);
  if (i < 0) return undefined;
  const prio = uintOut.v;
  let success: boolean | undefined;
  if (hasAt(s, i, ' success=')) {
    i = readUint(s, i + 9);
    if (i < 0) return undefined;
    success = uintOut.v !== 0;
  }
  let target: number | undefined;
  if (hasAt(s, i, ' target_cpu=')) {
    i = readUint(s, i + 12);
    if (i < 0) return undefined;
    target = uintOut.v;
  }
  if (i < s.length && s.charCodeAt(i) !== 32) return undefined;
  return wakeupRecord(line, ts, cpu, comm, pid, target, prio, success, wakeKind);
}

function parseWakeupKeyValue(
  s: string,
  start: number,
  line: number,
  cpu: number,
  ts: number,
  wakeKind: 'new' | 'waking' | undefined,
): WakeupRecord | LineProblem {
  let comm: string | undefined;
  let pid = NaN;
  let prio = NaN;
  let success = NaN;
  let target = NaN;
  let ks = start;
  while (ks >= 0) {
    const eq = s.indexOf('=', ks);
    const nk = nextKey(s, eq + 1);
    const ve = nk < 0 ? s.length : nk - 1;
    const vs = eq + 1;
    switch (eq - ks) {
      case 3:
        if (s.startsWith('pid', ks)) pid = parseUintAt(s, vs, ve);
        break;
      case 4:
        if (s.startsWith('comm', ks)) comm = s.slice(vs, ve);
        else if (s.startsWith('prio', ks)) prio = parseIntAt(s, vs, ve);
        break;
      case 7:
        if (s.startsWith('success', ks)) success = parseUintAt(s, vs, ve);
        break;
      case 10:
        if (s.startsWith('target_cpu', ks)) target = parseUintAt(s, vs, ve);
        break;
    }
    ks = nk;
  }
  if (comm === undefined) return problem('sched_wakeup payload has no comm=');
  if (Number.isNaN(pid)) return problem('sched_wakeup payload has no numeric pid=');
  return wakeupRecord(line, ts, cpu, comm, pid, optInt(target), optInt(prio), Number.isNaN(success) ? undefined : success !== 0, wakeKind);
}

/** trace-cmd's plugin form: `comm:pid [prio] success=1 CPU:002` (each part after pid optional). */
function parseWakeupCompact(
  s: string,
  start: number,
  line: number,
  cpu: number,
  ts: number,
  wakeKind: 'new' | 'waking' | undefined,
): WakeupRecord | LineProblem {
  let l = start;
  let e = s.length;
  while (e > l && s.charCodeAt(e - 1) === 32) e--;
  let target: number | undefined;
  const ci = s.lastIndexOf(' CPU:', e);
  if (ci >= l) {
    target = optInt(parseUintAt(s, ci + 5, e));
    e = ci;
  }
  let success: boolean | undefined;
  const si = s.lastIndexOf(' success=', e);
  if (si >= l) {
    const v = parseUintAt(s, si + 9, e);
    success = Number.isNaN(v) ? undefined : v !== 0;
    e = si;
  }
  let prio: number | undefined;
  if (s.charCodeAt(e - 1) === 93) {
    const lb = s.lastIndexOf(' [', e - 1);
    if (lb >= l) {
      prio = optInt(parseIntAt(s, lb + 2, e - 1));
      e = lb;
    }
  }
  if (s.startsWith('task ', l)) l += 5; // 2.6.30: `task comm:pid [prio] success=1`.
  const c = commPidColon(s, l, e);
  if (c < 0) return problem('sched_wakeup payload is neither comm=... nor comm:pid [prio]');
  const pid = parseUintAt(s, c + 1, e);
  if (Number.isNaN(pid)) return problem('sched_wakeup compact payload: pid is not a number');
  return wakeupRecord(line, ts, cpu, s.slice(l, c), pid, target, prio, success, wakeKind);
}

/**
 * Dispatch on an event name in s[p, e) and parse the payload starting at `ps`.
 * Returns undefined for events that are not switch or wakeup.
 */
export function parseSchedEvent(
  s: string,
  p: number,
  e: number,
  ps: number,
  line: number,
  cpu: number,
  ts: number,
): SwitchRecord | WakeupRecord | LineProblem | undefined {
  const len = e - p;
  if (len === 12) {
    if (hasAt(s, p, 'sched_switch')) return parseSwitchPayload(s, skipSpaces(s, ps), line, cpu, ts);
    if (hasAt(s, p, 'sched_wakeup')) return parseWakeupPayload(s, skipSpaces(s, ps), line, cpu, ts, undefined);
    if (hasAt(s, p, 'sched_waking')) return parseWakeupPayload(s, skipSpaces(s, ps), line, cpu, ts, 'waking');
  } else if (len === 16 && s.startsWith('sched_wakeup_new', p)) {
    return parseWakeupPayload(s, skipSpaces(s, ps), line, cpu, ts, 'new');
  }
  return undefined;
}
