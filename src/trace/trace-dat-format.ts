/**
 * @module trace/trace-dat-format: the text descriptions a trace.dat carries, parsed.
 *
 * A trace.dat stores the kernel's own description files verbatim (trace-cmd.dat(5), "HEADER INFO
 * FORMAT" and "EVENT FORMATS"): `events/header_page` (the ring-buffer page header), `header_event`
 * (the event header bit layout) and one `events/<system>/<event>/format` per event, with lines like
 *
 *     name: sched_switch
 *     ID: 98
 *     format:
 *     	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *     print fmt: "prev_comm=%s ...", REC->prev_comm, ...
 *
 * Field offsets and sizes come from these, never from a table of kernel versions. The `print fmt`
 * of sched_switch also tells how the kernel prints `prev_state` (`__print_flags(REC->prev_state &
 * MASK, "|", { 1, "S" }, ...) : "R"`, plus `"+"` for a preempted task): stateLetters() turns it
 * into a function from the raw number to the letters the kernel (and `trace-cmd report`) print.
 */

export interface FieldFormat {
  name: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface EventFormat {
  name: string;
  id: number;
  fields: Map<string, FieldFormat>;
  printFmt: string;
}

/** Why a description file could not be read; the caller adds where it was in the file. */
export class FormatTextError extends Error {}

const FIELD_RE = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:(\d+);)?/;
const NAME_RE = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[[^\]]*\])?\s*$/;

/** Parse one event format file (also header_page, which has only `field:` lines). */
export function parseEventFormat(text: string): EventFormat {
  let name = '';
  let id = -1;
  let printFmt = '';
  const fields = new Map<string, FieldFormat>();
  for (const line of text.split('\n')) {
    if (line.startsWith('name: ')) name = line.slice(6).trim();
    else if (line.startsWith('ID: ')) id = Number(line.slice(4).trim());
    else if (line.startsWith('print fmt: ')) printFmt = line.slice(11);
    else {
      const m = FIELD_RE.exec(line);
      if (!m) continue;
      const decl = NAME_RE.exec(m[1]);
      if (!decl) continue;
      fields.set(decl[1], { name: decl[1], offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1' });
    }
  }
  return { name, id, fields, printFmt };
}

/** The ring-buffer page header (events/header_page): where the timestamp, commit and data are. */
export interface PageHeader {
  timestampOffset: number;
  commitOffset: number;
  /** sizeof(local_t): the kernel's long size. */
  commitSize: number;
  dataOffset: number;
}

export function parseHeaderPage(text: string): PageHeader {
  const { fields } = parseEventFormat(text);
  const ts = fields.get('timestamp');
  const commit = fields.get('commit');
  const data = fields.get('data');
  if (!ts || !commit || !data) {
    const missing = [!ts && 'timestamp', !commit && 'commit', !data && 'data'].filter(Boolean).join(', ');
    throw new FormatTextError(`header_page lacks the field(s) ${missing} (expected "field: u64 timestamp; ... field: local_t commit; ... field: char data;")`);
  }
  if (ts.size !== 8) throw new FormatTextError(`header_page timestamp is ${ts.size} bytes, expected 8`);
  if (commit.size !== 4 && commit.size !== 8) throw new FormatTextError(`header_page commit is ${commit.size} bytes, expected 4 or 8 (local_t)`);
  return { timestampOffset: ts.offset, commitOffset: commit.offset, commitSize: commit.size, dataOffset: data.offset };
}

/**
 * Check header_event describes the ring buffer this reader knows (kernel >= 2.6.31, the
 * "compressed entry header": type_len 5 bits, time_delta 27 bits, padding 29, time extend 30).
 */
export function checkHeaderEvent(text: string): void {
  const typeLen = /type_len\s*:\s*(\d+)\s*bits/.exec(text);
  const delta = /time_delta\s*:\s*(\d+)\s*bits/.exec(text);
  if (!typeLen || !delta) {
    throw new FormatTextError(
      `header_event does not describe the type_len/time_delta event header (kernel >= 2.6.31); the older ring buffer format is not supported (found ${JSON.stringify(text.slice(0, 80))})`,
    );
  }
  if (typeLen[1] !== '5' || delta[1] !== '27') {
    throw new FormatTextError(`header_event has type_len ${typeLen[1]} bits and time_delta ${delta[1]} bits; expected 5 and 27`);
  }
}

// ---- prev_state letters from sched_switch's print fmt ----

/** A tiny evaluator for the integer constant expressions in print fmts (`((0x0001 | 0x0002) + 1) << 1) - 1`). */
function evalConst(expr: string): number | undefined {
  const toks = expr.match(/0x[0-9a-fA-F]+|\d+|<<|>>|[()|&^+\-*~]|\S/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const bad = Symbol('bad');
  function primary(): number {
    const t = toks[i++];
    if (t === undefined) throw bad;
    if (t === '(') {
      const v = or();
      if (toks[i++] !== ')') throw bad;
      return v;
    }
    if (t === '~') return ~primary();
    if (t === '-') return -primary();
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return Number(t);
    throw bad;
  }
  function mul(): number {
    let v = primary();
    while (peek() === '*') {
      i++;
      v *= primary();
    }
    return v;
  }
  function add(): number {
    let v = mul();
    while (peek() === '+' || peek() === '-') v = toks[i++] === '+' ? v + mul() : v - mul();
    return v;
  }
  function shift(): number {
    let v = add();
    while (peek() === '<<' || peek() === '>>') v = toks[i++] === '<<' ? v * 2 ** add() : Math.floor(v / 2 ** add());
    return v;
  }
  function and(): number {
    let v = shift();
    while (peek() === '&') {
      i++;
      v = (v & shift()) >>> 0;
    }
    return v;
  }
  function xor(): number {
    let v = and();
    while (peek() === '^') {
      i++;
      v = (v ^ and()) >>> 0;
    }
    return v;
  }
  function or(): number {
    let v = xor();
    while (peek() === '|') {
      i++;
      v = (v | xor()) >>> 0;
    }
    return v;
  }
  try {
    const v = or();
    return i === toks.length && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Index just past the `)` matching the `(` at `open`, skipping string literals; -1 if none. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      i = s.indexOf('"', i + 1);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Top-level comma-separated arguments of `s` (no surrounding parentheses). */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      const j = s.indexOf('"', i + 1);
      if (j < 0) break;
      i = j;
    } else if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The mask in `REC->prev_state & MASK` (or all bits for a bare `REC->prev_state`). */
function stateMask(arg: string): number | undefined {
  const a = arg.replace(/\s+/g, ' ').trim();
  if (a === 'REC->prev_state') return 0xffffffff;
  const m = /^\(?\s*REC->prev_state\s*&\s*([\s\S]*)$/.exec(a);
  if (!m) return undefined;
  let rest = m[1].trim();
  // `(REC->prev_state & (X))` when the whole condition is parenthesised.
  if (a.startsWith('(') && rest.endsWith(')')) rest = rest.slice(0, -1);
  return evalConst(rest);
}

/**
 * How the kernel prints `prev_state`, from sched_switch's `print fmt`: a function from the raw
 * number to letters (`S`, `D|K`, `R`, `R+`, `x`) the way libtraceevent's __print_flags prints
 * them; undefined when the print fmt has another shape (the caller then keeps the number).
 */
export function stateLetters(printFmt: string): ((state: number) => string) | undefined {
  const pf = printFmt.indexOf('__print_flags(');
  if (pf < 0) return undefined;
  const open = pf + '__print_flags'.length;
  const close = matchParen(printFmt, open);
  if (close < 0) return undefined;
  const args = splitArgs(printFmt.slice(open + 1, close - 1));
  if (args.length < 3) return undefined;
  const mask = stateMask(args[0]);
  const delim = /^"([^"]*)"$/.exec(args[1])?.[1];
  if (mask === undefined || delim === undefined) return undefined;
  const flags: { value: number; text: string }[] = [];
  for (const f of args.slice(2)) {
    const m = /^\{\s*([^,]+?)\s*,\s*"([^"]*)"\s*\}$/.exec(f);
    const v = m ? evalConst(m[1]) : undefined;
    if (!m || v === undefined) return undefined;
    flags.push({ value: v, text: m[2] });
  }
  // `... ) : "R"` — what is printed when no masked bit is set.
  const dflt = /^\s*:\s*"([^"]*)"/.exec(printFmt.slice(close))?.[1];
  if (dflt === undefined) return undefined;
  // `REC->prev_state & PLUS ? "+" : ""` — the preempted marker (kernel >= 3.x), if any.
  let plus = 0;
  const rest = printFmt.slice(close);
  const q = rest.indexOf('? "+"');
  if (q >= 0) {
    const args2 = splitArgs(rest.slice(0, q));
    const cond = args2[args2.length - 1];
    const m = /REC->prev_state\s*&\s*([\s\S]*)$/.exec(cond);
    const v = m ? evalConst(m[1]) : undefined;
    if (v === undefined) return undefined;
    plus = v;
  }
  return (state: number) => {
    let val = (state & mask) >>> 0;
    let s = '';
    if (val === 0) s = dflt;
    else {
      // libtraceevent's print_str_arg for PRINT_FLAGS: flags in order, each fully set one printed once.
      for (const f of flags) {
        if (f.value > 0 && (val & f.value) >>> 0 === f.value) {
          s += (s ? delim : '') + f.text;
          val = (val & ~f.value) >>> 0;
        }
      }
      if (val) s += `${s ? delim : ''}0x${val.toString(16)}`;
    }
    if (plus && (state & plus) !== 0) s += '+';
    return s;
  };
}
