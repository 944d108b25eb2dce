/**
 * @module trace/text-scan: allocation-free scanning helpers shared by the line parsers.
 *
 * Trace lines are parsed by charCode scanning rather than regexes: a regex with optional
 * columns and free-form comms backtracks badly on odd lines, and the parsers must sustain
 * millions of lines per second.
 */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Decimal unsigned integer in s[start, end), trailing spaces allowed; NaN if anything else. */
export function parseUintAt(s: string, start: number, end: number): number {
  while (end > start && s.charCodeAt(end - 1) === 32) end--;
  if (start >= end) return NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Like parseUintAt, with an optional leading '-' (prio can be -1 for deadline tasks on some kernels). */
export function parseIntAt(s: string, start: number, end: number): number {
  if (start < end && s.charCodeAt(start) === 45) return -parseUintAt(s, start + 1, end);
  return parseUintAt(s, start, end);
}

export function skipSpaces(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/**
 * Start of the next ` key=` at or after `from` (the index of the key's first character), or -1.
 * A key is [A-Za-z0-9_]+ right after a space and right before '='. Values may contain spaces
 * (comms do), so a value runs up to the next key, which is how TP_printk output can be split
 * without knowing the field list.
 */
export function nextKey(s: string, from: number): number {
  const n = s.length;
  let sp = s.indexOf(' ', from);
  while (sp >= 0) {
    let k = sp + 1;
    while (k < n && isKeyChar(s.charCodeAt(k))) k++;
    if (k > sp + 1 && k < n && s.charCodeAt(k) === 61 /* = */) return sp + 1;
    sp = s.indexOf(' ', sp + 1);
  }
  return -1;
}

/**
 * Whether s has `lit` at i. A plain loop instead of String.prototype.startsWith, which is a
 * builtin call the JIT does not inline; this is the hot check of every payload field.
 */
export function hasAt(s: string, i: number, lit: string): boolean {
  const n = lit.length;
  if (i < 0 || i + n > s.length) return false;
  for (let k = 0; k < n; k++) if (s.charCodeAt(i + k) !== lit.charCodeAt(k)) return false;
  return true;
}
