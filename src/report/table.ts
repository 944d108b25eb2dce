/** @module report/table: aligned plain-text tables (numbers right-aligned, text left). */

export type Cell = string | number;

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

export function renderTable(header: string[], rows: Cell[][]): string {
  // A column with any fraction in it gives every number two decimals ("21.00" beside "17.50", not "21").
  const fractional = header.map((_, i) => rows.some((r) => typeof r[i] === 'number' && Number.isFinite(r[i]) && !Number.isInteger(r[i])));
  const show = (c: number, i: number) => (fractional[i] && Number.isFinite(c) ? c.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 }) : formatNumber(c));
  const cells = rows.map((r) => r.map((c, i) => (typeof c === 'number' ? show(c, i) : c)));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number'));
  const width = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  return [line(header), width.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
