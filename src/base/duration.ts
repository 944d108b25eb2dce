/** @module base/duration: parse "1h", "2min", "1s", "250ms", "30us", "500ns" into seconds, for flags and scenario files. */

const UNITS: Record<string, number> = { h: 3600, min: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };

/** Returns seconds, or null when the text is not a positive duration. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(h|min|ms|s|us|µs|ns)?\s*$/.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * UNITS[m[2] ?? 's'];
  return v > 0 && Number.isFinite(v) ? v : null;
}

/** Seconds as a short readable duration: "5 s", "12.5 ms", "840 µs", "300 ns". */
export function formatDuration(seconds: number): string {
  const [v, unit] = seconds >= 1 ? [seconds, 's'] : seconds >= 1e-3 ? [seconds * 1e3, 'ms'] : seconds >= 1e-6 ? [seconds * 1e6, 'µs'] : [seconds * 1e9, 'ns'];
  return `${Number(v.toPrecision(4))} ${unit}`;
}
