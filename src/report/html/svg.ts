/**
 * @module report/html/svg: the few drawing helpers the HTML report's plots share — escaping,
 * number formatting for axes, and the palettes. Pure strings; no DOM, no node:*.
 */

export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round for SVG coordinates: two decimals, no trailing noise (keeps output byte-stable and small). */
export function n2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** A short human number: 1.2k, 3.4M, 12 … */
export function short(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(a >= 1e10 ? 0 : 1)}G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(a >= 1e4 ? 0 : 1)}k`;
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(a >= 10 ? 0 : a >= 1 ? 1 : 2);
}

/** "Nice" axis ticks from 0 to at least `max`: about `count` steps of 1, 2 or 5 × 10^k. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/**
 * Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), used for the
 * cost categories and for domains. Every plot also labels its marks in text.
 */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999'];

/** Domain i's base colour (d1 = index 0). */
export function domainColour(i: number): string {
  return OKABE_ITO[((i % 7) + 7) % 7];
}

/** Mix a hex colour with white (t = 0: the colour, 1: white). */
export function tint(hex: string, t: number): string {
  const v = parseInt(hex.slice(1), 16);
  const ch = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => Math.round(c + (255 - c) * t));
  return `#${ch.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Mix a hex colour with black (t = 0: the colour, 1: black). */
export function shade(hex: string, t: number): string {
  const v = parseInt(hex.slice(1), 16);
  const ch = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => Math.round(c * (1 - t)));
  return `#${ch.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
