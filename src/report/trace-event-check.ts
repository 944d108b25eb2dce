/**
 * @module report/trace-event-check: a validator for Chrome trace-event JSON (the Trace Event
 * Format document: "JSON Object Format"), strict about what ui.perfetto.dev and chrome://tracing
 * rely on, so a test can tell that an export will load and draw as intended. Returns the problems
 * found (empty: valid); the first 50 are kept.
 *
 * Checked: the document is `{ traceEvents: [...] }` with an optional displayTimeUnit of "ms" or
 * "ns"; every event has a string name, a known phase, integer pid and tid; per phase —
 * X: numeric ts ≥ 0 (microseconds) and dur ≥ 0; i: ts, scope g/p/t if given; s/f: ts and an id,
 * f with bp "e" if bp is given; M: a known metadata name with its args — ; on every (pid, tid)
 * track the X slices nest strictly (a slice that starts inside another ends inside it: no
 * partial overlaps); every flow id has exactly one `s` and one `f`, the `f` not before the `s`.
 */

const PHASES = new Set(['X', 'i', 'I', 's', 't', 'f', 'M', 'B', 'E', 'C']);
const META: Record<string, string> = { process_name: 'name', thread_name: 'name', process_sort_index: 'sort_index', thread_sort_index: 'sort_index' };

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

export function validateTraceEvents(doc: unknown): string[] {
  const errs: string[] = [];
  const err = (s: string) => {
    if (errs.length < 50) errs.push(s);
  };
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) return ['not an object with a traceEvents array'];
  const d = doc as { traceEvents: unknown[]; displayTimeUnit?: unknown };
  if (d.displayTimeUnit !== undefined && d.displayTimeUnit !== 'ms' && d.displayTimeUnit !== 'ns') err(`displayTimeUnit ${JSON.stringify(d.displayTimeUnit)} is not "ms" or "ns"`);
  const tracks = new Map<string, { ts: number; end: number; i: number }[]>();
  const flows = new Map<string, { s: number; f: number; sTs: number; fTs: number }>();
  d.traceEvents.forEach((raw, i) => {
    const at = `traceEvents[${i}]`;
    if (typeof raw !== 'object' || raw === null) return err(`${at}: not an object`);
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== 'string') err(`${at}: name is not a string`);
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) return err(`${at}: unknown phase ${JSON.stringify(e.ph)}`);
    if (!isInt(e.pid) || !isInt(e.tid)) err(`${at}: pid and tid must be integers`);
    switch (e.ph) {
      case 'X': {
        if (!isTime(e.ts)) return err(`${at}: X needs a numeric ts ≥ 0 (µs)`);
        if (!isTime(e.dur)) return err(`${at}: X needs dur ≥ 0`);
        const key = `${e.pid}/${e.tid}`;
        let list = tracks.get(key);
        if (!list) tracks.set(key, (list = []));
        // In integer nanoseconds, as Perfetto's importer keeps them: ts + dur in float µs may land a hair past the next slice's ts.
        const tsNs = Math.round(e.ts * 1000);
        list.push({ ts: tsNs, end: tsNs + Math.round(e.dur * 1000), i });
        break;
      }
      case 'i':
      case 'I':
        if (!isTime(e.ts)) err(`${at}: instant needs a numeric ts ≥ 0`);
        if (e.s !== undefined && e.s !== 'g' && e.s !== 'p' && e.s !== 't') err(`${at}: instant scope ${JSON.stringify(e.s)} is not g, p or t`);
        break;
      case 's':
      case 't':
      case 'f': {
        if (!isTime(e.ts)) err(`${at}: flow event needs a numeric ts ≥ 0`);
        if (e.id === undefined || (typeof e.id !== 'number' && typeof e.id !== 'string')) return err(`${at}: flow event needs an id`);
        if (e.ph === 'f' && e.bp !== undefined && e.bp !== 'e') err(`${at}: bp must be "e"`);
        if (e.ph === 't') break;
        const key = `${e.cat ?? ''}/${e.id}`;
        let fl = flows.get(key);
        if (!fl) flows.set(key, (fl = { s: 0, f: 0, sTs: 0, fTs: 0 }));
        if (e.ph === 's') {
          fl.s++;
          fl.sTs = e.ts as number;
        } else {
          fl.f++;
          fl.fTs = e.ts as number;
        }
        break;
      }
      case 'M': {
        const want = META[e.name as string];
        if (!want) err(`${at}: unknown metadata event ${JSON.stringify(e.name)}`);
        else if (typeof e.args !== 'object' || e.args === null || !(want in (e.args as object))) err(`${at}: ${e.name} needs args.${want}`);
        break;
      }
      default:
        if (!isTime(e.ts)) err(`${at}: needs a numeric ts ≥ 0`);
    }
  });
  for (const [key, list] of tracks) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end || a.i - b.i);
    const stack: { end: number; i: number }[] = [];
    for (const s of list) {
      while (stack.length && s.ts >= stack[stack.length - 1].end) stack.pop();
      const top = stack[stack.length - 1];
      if (top && s.end > top.end) err(`track ${key}: slice traceEvents[${s.i}] overlaps traceEvents[${top.i}] without nesting in it`);
      stack.push(s);
    }
  }
  for (const [key, fl] of flows) {
    if (fl.s !== 1 || fl.f !== 1) err(`flow ${key}: ${fl.s} start(s) and ${fl.f} end(s); exactly one of each expected`);
    else if (fl.fTs < fl.sTs) err(`flow ${key}: ends at ${fl.fTs} before it starts at ${fl.sTs}`);
  }
  return errs;
}
