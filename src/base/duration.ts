/** @module base/duration: parse "1s", "250ms", "30us", "500ns" into seconds, for flags and scenario files. */

const UNITS: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };

/** Returns seconds, or null when the text is not a positive duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|ms|us|µs|ns)?\s*$/.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * UNITS[m[2] ?? 's'];
  return v > 0 && Number.isFinite(v) ? v : null;
}
