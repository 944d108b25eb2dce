/**
 * @module trace/perf-line: one line of `perf script` (or `perf sched script`) output.
 *
 *   `<comm> <pid>[/<tid>] [<cpu>] <secs>.<usecs>: [<period>] <sys>:<event>: <payload>`
 * The comm is right-aligned free text, the cpu column is missing in old perf (3.13) and with
 * `-F` lists lacking `cpu`, and `-g` adds tab-indented callchain lines after each event. The
 * prefix is therefore anchored on the timestamp token (`<digits>.<digits>:` after a space) and
 * read backwards. The payload is the same text as ftrace's, or the compact plugin form.
 */
import type { LineParse, LinePrefix } from './ftrace-line.ts';
import { newLinePrefix, parseTimestamp } from './ftrace-line.ts';
import { parseSchedEvent } from './sched-payload.ts';
import { isDigit, parseUintAt, skipSpaces } from './text-scan.ts';

const scratch = newLinePrefix();

/**
 * Find the timestamp and the `<comm> <pid>[/<tid>] [<cpu>]` before it; fills `out` (cpu -1 when
 * there is no cpu column, pid = the tid when both are printed, as the tid is the kernel's pid).
 * Returns the index of the ':' ending the timestamp, or -1.
 */
export function findPerfPrefix(s: string, out: LinePrefix): number {
  let c = s.indexOf(':');
  while (c >= 0) {
    const after = s.charCodeAt(c + 1);
    if (after === 32 || Number.isNaN(after)) {
      let b = c - 1;
      let digits = 0;
      let dots = 0;
      for (; b >= 0; b--) {
        const ch = s.charCodeAt(b);
        if (isDigit(ch)) digits++;
        else if (ch === 46) dots++;
        else break;
      }
      if (digits > 0 && dots === 1 && b > 0 && s.charCodeAt(b) === 32 && readTaskBefore(s, b, out)) return c;
    }
    c = s.indexOf(':', c + 1);
  }
  return -1;
}

function readTaskBefore(s: string, k: number, out: LinePrefix): boolean {
  while (k >= 0 && s.charCodeAt(k) === 32) k--;
  out.cpu = -1;
  out.tgid = -1;
  if (s.charCodeAt(k) === 93 /* ] */) {
    const e = k;
    k--;
    while (k >= 0 && isDigit(s.charCodeAt(k))) k--;
    if (k + 1 === e || s.charCodeAt(k) !== 91 /* [ */) return false;
    out.cpu = parseUintAt(s, k + 1, e);
    k--;
    while (k >= 0 && s.charCodeAt(k) === 32) k--;
  }
  let e = k + 1;
  while (k >= 0 && isDigit(s.charCodeAt(k))) k--;
  if (k + 1 === e) return false;
  const pid = parseUintAt(s, k + 1, e);
  if (s.charCodeAt(k) === 47 /* / */) {
    // `pid/tid`: keep the tid, which is what the kernel calls a pid.
    e = k;
    k--;
    while (k >= 0 && isDigit(s.charCodeAt(k))) k--;
    if (k + 1 === e) return false;
  }
  if (k < 1 || s.charCodeAt(k) !== 32) return false;
  out.pid = pid;
  return true;
}

export function parsePerfLine(s: string, line: number, prefix: LinePrefix = scratch): LineParse {
  const c = findPerfPrefix(s, prefix);
  if (c < 0) return 'none';
  let b = c - 1;
  while (b >= 0 && s.charCodeAt(b) !== 32) b--;
  const ts = parseTimestamp(s, b + 1, c);
  const n = s.length;
  let p = skipSpaces(s, c + 1);
  let te = s.indexOf(' ', p);
  if (te < 0) te = n;
  if (s.charCodeAt(te - 1) !== 58 /* : */) {
    // An optional sample period before the event.
    p = skipSpaces(s, te);
    te = s.indexOf(' ', p);
    if (te < 0) te = n;
    if (s.charCodeAt(te - 1) !== 58) return { reason: 'no "<sys>:<event>:" after the timestamp' };
  }
  const name = s.startsWith('sched:', p) ? p + 6 : p;
  const r = parseSchedEvent(s, name, te - 1, te, line, prefix.cpu, ts);
  return r === undefined ? 'other' : r;
}
