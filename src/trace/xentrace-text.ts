/**
 * @module trace/xentrace-text: xentrace records decoded to text, xentrace_format style.
 *
 *   `CPU6  50475883618716 (+     252)  __enter_scheduler [ prev<dom:vcpu> = 0x7fff0006, next<dom:vcpu> = 0x00000007 ]`
 * Each line is turned back into (pcpu, tsc, event code, data words) so the binary and text forms
 * share XenSchedAssembler. Names come from Xen's tools/xentrace/formats; `dom:vcpu` values are
 * printed as `0x%(1)04x%(2)04x`, i.e. dom in the high 16 bits.
 */
import type { LineProblem } from './sched-payload.ts';
import { isDigit, parseUintAt, skipSpaces } from './text-scan.ts';
import { TRC_LOST_RECORDS, TRC_SCHED_RUNSTATE_CHANGE, TRC_SCHED_SWITCH, TRC_SCHED_SWITCH_INFPREV, TRC_SCHED_WAKE } from './xen-sched.ts';

/** A decoded line as the binary record it came from; reused between lines. */
export interface XenTextEvent {
  cpu: number;
  tsc: number;
  /** 0 for events this parser does not map (they are skipped as other events). */
  code: number;
  words: number[];
  n: number;
}

export function newXenTextEvent(): XenTextEvent {
  return { cpu: 0, tsc: 0, code: 0, words: [0, 0, 0, 0, 0, 0, 0], n: 0 };
}

const RUNSTATE_NAMES: Record<string, number> = { running: 0, runnable: 1, blocked: 2, offline: 3 };

function codeOf(name: string): number {
  switch (name) {
    case '__enter_scheduler':
      return TRC_SCHED_SWITCH;
    case 'domain_wake':
      return TRC_SCHED_WAKE;
    case 'lost_records':
      return TRC_LOST_RECORDS;
    case 'switch_infprev':
      return TRC_SCHED_SWITCH_INFPREV;
  }
  const to = name.indexOf('_to_');
  if (to > 0) {
    const a = RUNSTATE_NAMES[name.slice(0, to)];
    const b = RUNSTATE_NAMES[name.slice(to + 4)];
    if (a !== undefined && b !== undefined) return TRC_SCHED_RUNSTATE_CHANGE | (a << 8) | (b << 4);
  }
  return 0;
}

function parseNumber(s: string, a: number, b: number): number {
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  if (s.startsWith('0x', a)) {
    const v = Number.parseInt(s.slice(a + 2, b), 16);
    return Number.isNaN(v) ? NaN : v;
  }
  return parseUintAt(s, a, b);
}

/**
 * 'event' (filled into `out`), 'none' for lines without the `CPU<n> <tsc>` form, or a problem
 * for a line that has it but cannot be read.
 */
export function parseXentraceTextLine(s: string, out: XenTextEvent): 'event' | 'none' | LineProblem {
  if (!s.startsWith('CPU')) return 'none';
  let i = 3;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === 3 || (s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 9)) return 'none';
  out.cpu = parseUintAt(s, 3, i);
  i = skipSpaces(s, i);
  const t0 = i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === t0) return 'none';
  out.tsc = parseUintAt(s, t0, i);
  i = skipSpaces(s, i);
  if (s.charCodeAt(i) === 40 /* ( */) {
    const close = s.indexOf(')', i);
    if (close < 0) return { reason: 'unclosed "(+delta)"' };
    i = skipSpaces(s, close + 1);
  }
  let ne = i;
  while (ne < s.length && s.charCodeAt(ne) !== 32 && s.charCodeAt(ne) !== 9) ne++;
  if (ne === i) return { reason: 'no event name after the TSC' };
  out.code = codeOf(s.slice(i, ne));
  out.n = 0;
  if (out.code === 0) return 'event';
  const open = s.indexOf('[', ne);
  if (open < 0) {
    if (out.code !== TRC_LOST_RECORDS) return { reason: `${s.slice(i, ne)} without its [ ... ] fields` };
    const v = parseNumber(s, ne, s.length);
    if (Number.isNaN(v)) return { reason: 'lost_records without a count' };
    out.words[0] = v;
    out.n = 1;
    return 'event';
  }
  const close = s.indexOf(']', open);
  if (close < 0) return { reason: 'unclosed "[ ... ]" fields' };
  // `key = value, key = value`; keys (`prev<dom:vcpu>`) never contain ',' or '='.
  let a = open + 1;
  while (a < close && out.n < 7) {
    let comma = s.indexOf(',', a);
    if (comma < 0 || comma > close) comma = close;
    const eq = s.indexOf('=', a);
    if (eq < 0 || eq > comma) return { reason: `field '${s.slice(a, comma).trim()}' has no '='` };
    const v = parseNumber(s, eq + 1, comma);
    if (Number.isNaN(v)) return { reason: `field '${s.slice(a, comma).trim()}' is not a number` };
    out.words[out.n++] = v;
    a = comma + 1;
  }
  const need = out.code === TRC_SCHED_SWITCH ? 2 : 1;
  if (out.n < need) return { reason: `${s.slice(i, ne)} needs ${need} dom:vcpu field(s)` };
  return 'event';
}
