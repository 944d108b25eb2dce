/**
 * @module report/html/report: `lazyswitch run --report OUT.html` — one self-contained HTML file
 * (inline CSS and SVG, no script, nothing fetched): the scenario, the comparison table and its
 * reading, three plots (cost per design by category, switch latency distribution, lazy switches
 * over time), the violations with their messages, and one per-pcpu timeline per run. Pure:
 * returns the text; the CLI writes it. Same inputs, same bytes (no dates, no random ids).
 */
import type { Metrics } from '../../hv/index.ts';
import { INVARIANTS } from '../../check/index.ts';
import type { Timeline } from '../timeline.ts';
import { readResults, type RunDocument } from '../run-report.ts';
import { formatNumber } from '../table.ts';
import { binLane, lazySwitchTimes, quantile, runSlices, switchLatencies } from './derive.ts';
import { domainColour, esc, n2, OKABE_ITO, shade, short, ticks, tint } from './svg.ts';

export interface ReportRun {
  arch: string;
  design: string;
  /** The recorded timeline of this run (null when none was recorded). */
  timeline: Timeline | null;
}

export interface HtmlReportInput {
  doc: RunDocument;
  /** One per result, same order (matched by arch and design). */
  runs: ReportRun[];
  /** Designs kept broken on purpose: why (SwitchDesign.broken). */
  broken?: Record<string, string>;
  /** Violations listed per run (all are counted). Default 20. */
  violationsShown?: number;
}

interface CostKind {
  key: string;
  label: string;
  colour: string;
  cycles: (m: Metrics) => number;
}
const by = (k: keyof Metrics['cyclesBy']) => (m: Metrics) => m.cyclesBy[k] ?? 0;

/**
 * The categories of the cost plot, in drawing order, with their legend text. The TLB refill
 * after an address-space switch is its own band, apart from the switch itself: one modelled
 * estimate (working-set pages × refill per page) that is most of every run's cost and would
 * hide the save, restore and IPI differences the designs are about (issue 22 §4).
 */
export const COST_KINDS: readonly CostKind[] = [
  { key: 'save', label: 'save', colour: OKABE_ITO[4], cycles: by('save') },
  { key: 'restore', label: 'restore', colour: OKABE_ITO[1], cycles: by('restore') },
  { key: 'trap', label: 'trap', colour: OKABE_ITO[5], cycles: by('trap') },
  { key: 'ipi', label: 'IPI', colour: OKABE_ITO[6], cycles: by('ipi') },
  { key: 'addressSpace', label: 'address-space switch', colour: OKABE_ITO[0], cycles: (m) => (m.cyclesBy.addressSpace ?? 0) - (m.tlbRefillCycles ?? 0) },
  { key: 'cframes', label: 'C frames', colour: OKABE_ITO[2], cycles: by('cframes') },
  { key: 'entry', label: 'entry stores', colour: OKABE_ITO[3], cycles: by('entry') },
  { key: 'schedule', label: 'schedule()', colour: OKABE_ITO[7], cycles: by('schedule') },
  { key: 'tlbRefill', label: 'TLB refill (estimate)', colour: '#c8c8c8', cycles: (m) => m.tlbRefillCycles ?? 0 },
];
const WITHOUT_REFILL = COST_KINDS.filter((k) => k.key !== 'tlbRefill');

const runLabel = (r: { arch: string; design: string }) => `${r.arch} · ${r.design}`;
const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

/** The j-th vcpu of a domain whose colour is `base`: base, darker, lighter, darker still, … */
export function vcpuShade(base: string, j: number): string {
  if (j === 0) return base;
  const step = Math.ceil(j / 2);
  return j % 2 ? shade(base, Math.min(0.75, 0.4 * step)) : tint(base, Math.min(0.8, 0.45 * step));
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const { doc } = input;
  const results = doc.results;
  const runs = results.map((r) => input.runs.find((x) => x.arch === r.arch && x.design === r.design)?.timeline ?? null);
  const sc = doc.scenario;
  const doms = sc.domains.map((d, i) => `d${i + 1}: ${d.vcpus}×${d.profile}${d.weight !== 256 ? ` weight ${d.weight}` : ''}${d.cap ? ` cap ${d.cap}%` : ''}`).join(', ');
  const totalViolations = results.reduce((s, r) => s + r.violationCount, 0);
  const body: string[] = [];
  body.push(`<header><h1>lazyswitch run — report</h1>
<p class="lede">${esc(sc.archs.join(', '))}: ${results.length} design/architecture runs, ${esc(sc.seconds)} s simulated each. ${
    totalViolations ? `<strong class="bad">✗ ${formatNumber(totalViolations)} violations</strong> (see <a href="#violations">Violations</a>).` : '<strong class="good">✓ No violations</strong>: every design kept every guest register intact.'
  }</p></header>`);
  body.push(`<nav aria-label="Sections"><a href="#scenario">Scenario</a> · <a href="#table">Comparison</a> · <a href="#cost">Cost</a> · <a href="#latency">Switch latency</a> · <a href="#lazy">Lazy switches</a> · <a href="#violations">Violations</a> · <a href="#timelines">Timelines</a></nav>`);
  body.push(`<section id="scenario"><h2>Scenario</h2><dl class="scenario">
<dt>architectures</dt><dd>${esc(sc.archs.join(', '))}</dd>
<dt>pcpus</dt><dd>${sc.pcpus}</dd>
<dt>domains</dt><dd>${esc(doms)} (+ one idle vcpu per pcpu)</dd>
<dt>scheduler</dt><dd>${esc(sc.sched)}</dd>
<dt>designs</dt><dd>${esc(sc.designs.join(', '))}</dd>
<dt>simulated time</dt><dd>${esc(sc.seconds)} s</dd>
<dt>seed</dt><dd>${sc.seed}</dd>
<dt>control operations</dt><dd>${sc.controlHz ? `${sc.controlHz}/s` : 'none'}</dd>
<dt>scheduler interface</dt><dd>${esc(sc.contract ?? '2006-01-07')}${(sc.contract ?? '2006-01-07') === '2006-01-07' ? " (today's: context_saved)" : ''}</dd>
</dl>${doc.skipped?.length ? `<p>Skipped: ${doc.skipped.map((s) => `${esc(s.design)} on ${esc(s.arch)} (${esc(s.reason)})`).join('; ')}.</p>` : ''}</section>`);
  body.push(comparisonTable(input));
  body.push(`<section id="reading"><h2>Reading</h2>${readResults(results)
    .split('\n\n')
    .map((p) => `<p>${esc(p)}</p>`)
    .join('')}</section>`);
  body.push(costPlot(input));
  body.push(latencyPlot(results.map((r, i) => ({ label: runLabel(r), lat: runs[i] ? switchLatencies(runs[i]!) : null }))));
  body.push(lazyPlot(results.map((r, i) => ({ arch: r.arch, design: r.design, times: runs[i] ? lazySwitchTimes(runs[i]!) : null, end: runs[i]?.endSeconds ?? r.metrics.simulatedSeconds, lazy: r.metrics.lazySwitches, switches: r.metrics.switches }))));
  body.push(violationsSection(input));
  body.push(timelinesSection(input, runs));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>lazyswitch report — ${esc(sc.archs.join(', '))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
<footer><p>Written by <code>lazyswitch run --report</code>. Self-contained: no scripts, no network. Same inputs and seed give the same file.</p></footer>
</body>
</html>
`;
}

const CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bad: #b3261e; --good: #116329; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 8px; }
footer { max-width: 1240px; margin: 0 auto; padding: 0 20px 24px; color: var(--muted); font-size: 12px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
a { color: #0b5cad; }
a:focus-visible, summary:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
.lede { margin: 4px 0 8px; }
.bad { color: var(--bad); }
.good { color: var(--good); }
.note { color: var(--muted); font-size: 12.5px; }
dl.scenario { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.scenario dt { color: var(--muted); }
dl.scenario dd { margin: 0; }
table.data { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: right; white-space: nowrap; }
table.data th { background: #f6f8fa; position: sticky; top: 0; }
table.data td.t, table.data th.t { text-align: left; }
table.data tr.broken td { background: #fff4f2; }
.scroll { overflow-x: auto; }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg text { fill: #1b1f24; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 8px; padding: 0; list-style: none; font-size: 12.5px; }
.legend li { display: inline-flex; align-items: center; gap: 5px; }
.sw { display: inline-block; width: 14px; height: 14px; border: 1px solid #57606a; border-radius: 2px; }
ol.violations { padding-left: 22px; margin: 6px 0; }
ol.violations li { margin: 3px 0; }
.inv { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; background: #ffebe9; color: #82071e; padding: 0 4px; border-radius: 3px; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: 600; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
`;

function comparisonTable(input: HtmlReportInput): string {
  const broken = input.broken ?? {};
  const rows = input.doc.results.map((r) => {
    const m = r.metrics;
    const b = broken[r.design];
    const v = r.violationCount ? `<strong class="bad">✗ ${formatNumber(r.violationCount)}</strong>` : '<span class="good">✓ 0</span>';
    return `<tr${b ? ' class="broken"' : ''}><td class="t">${esc(r.arch)}</td><td class="t">${esc(r.design)}${b ? ' <span class="note">(kept broken on purpose)</span>' : ''}</td><td>${formatNumber(m.switches)}</td><td>${formatNumber(m.lazySwitches)}</td><td>${formatNumber(m.wordsSaved)}</td><td>${formatNumber(m.wordsRestored)}</td><td>${formatNumber(Math.round(m.bytesMoved / 1024))}</td><td>${formatNumber(m.ipis)}</td><td>${formatNumber(m.addressSpaceSwitches)}</td><td>${(m.cycles / 1e6).toFixed(2)}</td><td>${m.overheadPct.toFixed(2)}</td><td>${v}</td></tr>`;
  });
  return `<section id="table"><h2>Comparison</h2><div class="scroll"><table class="data" id="comparison">
<caption class="note" style="caption-side:bottom;text-align:left;padding-top:4px">lazy: switches in which the design moved no state. KiB moved: bytes saved plus restored. AS switches: address-space switches. Overhead: hypervisor cycles over all pcpus' cycles.</caption>
<thead><tr><th class="t" scope="col">arch</th><th class="t" scope="col">design</th><th scope="col">switches</th><th scope="col">lazy</th><th scope="col">words saved</th><th scope="col">words restored</th><th scope="col">KiB moved</th><th scope="col">IPIs</th><th scope="col">AS switches</th><th scope="col">Mcycles</th><th scope="col">overhead %</th><th scope="col">violations</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div></section>`;
}

function legend(items: { label: string; colour: string; dash?: string }[]): string {
  return `<ul class="legend">${items
    .map((i) =>
      i.dash !== undefined
        ? `<li><svg width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="${i.colour}" stroke-width="2.5" stroke-dasharray="${i.dash}"/></svg>${esc(i.label)}</li>`
        : `<li><span class="sw" style="background:${i.colour}" aria-hidden="true"></span>${esc(i.label)}</li>`,
    )
    .join('')}</ul>`;
}

/** The cost section: stacked bars of every run's hypervisor cycles by category, with the TLB refill estimate and without it. */
function costPlot(input: HtmlReportInput): string {
  const results = input.doc.results;
  const refill = results.reduce((a, r) => a + (r.metrics.tlbRefillCycles ?? 0), 0);
  const all = results.reduce((a, r) => a + r.metrics.cycles, 0);
  const table = `<details><summary>Numbers (cycles by category)</summary><div class="scroll"><table class="data"><thead><tr><th class="t" scope="col">run</th>${COST_KINDS.map((k) => `<th scope="col">${esc(k.label)}</th>`).join('')}<th scope="col">total</th><th scope="col">per switch</th></tr></thead><tbody>${results
    .map((r) => `<tr><td class="t">${esc(runLabel(r))}</td>${COST_KINDS.map((k) => `<td>${formatNumber(k.cycles(r.metrics))}</td>`).join('')}<td>${formatNumber(r.metrics.cycles)}</td><td>${formatNumber(Math.round(r.metrics.cycles / Math.max(1, r.metrics.switches)))}</td></tr>`)
    .join('')}</tbody></table></div></details>`;
  return `<section id="cost"><h2>Cost per design</h2>
<p class="note">Hypervisor cycles over the whole run, by what they were spent on (<code>metrics.cyclesBy</code>; the TLB refill is <code>metrics.tlbRefillCycles</code>, part of the address-space switch). Hover a segment for its figure; the numbers are in the table below the plots.</p>
${legend(COST_KINDS.map((k) => ({ label: k.label, colour: k.colour })))}
${costBars(results, COST_KINDS, 'plot-cost', 'Hypervisor cycles per run, stacked by category')}
<p class="note">The grey band is one modelled estimate: after each switch to a guest's page tables, its working set of pages is refilled into the TLB (the architecture's <code>cost.addressSpace</code>: working-set pages × cycles per page; <code>run --tlb-pages N</code> sets the pages, 0 for a tagged TLB, PCID/ASID). It is ${all ? Math.round((100 * refill) / all) : 0}% of all the cycles here. Without it, on a scale of its own, the differences the designs are about:</p>
${costBars(results, WITHOUT_REFILL, 'plot-cost-norefill', 'Hypervisor cycles per run without the TLB refill estimate, stacked by category')}
${table}</section>`;
}

/** Stacked horizontal bars of `kinds` for every run, on a scale fitted to their largest total. */
function costBars(results: HtmlReportInput['doc']['results'], kinds: readonly CostKind[], id: string, title: string): string {
  const W = 1100;
  const labelW = 290;
  const rightW = 150;
  const barW = W - labelW - rightW;
  const rowH = 24;
  const top = 36;
  const H = top + results.length * rowH + 8;
  const total = (m: Metrics) => kinds.reduce((a, k) => a + Math.max(0, k.cycles(m)), 0);
  const max = Math.max(1, ...results.map((r) => total(r.metrics)));
  const tk = ticks(max / 1e6, 6);
  const scale = barW / (tk[tk.length - 1] * 1e6);
  const parts: string[] = [];
  for (const t of tk) {
    const x = labelW + t * 1e6 * scale;
    parts.push(`<line class="grid" x1="${n2(x)}" y1="${top - 4}" x2="${n2(x)}" y2="${H - 8}"/><text x="${n2(x)}" y="${top - 8}" text-anchor="middle">${short(t)}</text>`);
  }
  parts.push(`<text x="${labelW - 8}" y="${top - 8}" text-anchor="end">Mcycles (all pcpus) →</text>`);
  results.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(runLabel(r))}</text>`);
    let x = labelW;
    for (const k of kinds) {
      const c = k.cycles(r.metrics);
      if (c <= 0) continue;
      const w = c * scale;
      parts.push(`<rect x="${n2(x)}" y="${y + 3}" width="${n2(Math.max(w, 0.5))}" height="${rowH - 6}" fill="${k.colour}" stroke="#fff" stroke-width="0.5"><title>${esc(`${runLabel(r)} — ${k.label}: ${formatNumber(c)} cycles (${((100 * c) / Math.max(1, r.metrics.cycles)).toFixed(1)}% of all)`)}</title></rect>`);
      x += w;
    }
    const t = total(r.metrics);
    parts.push(`<text x="${n2(x + 6)}" y="${y + rowH / 2 + 4}">${(t / 1e6).toFixed(1)} M${kinds === COST_KINDS ? ` · ${r.metrics.overheadPct.toFixed(2)}%` : ''}${r.violationCount ? ' · ✗' : ''}</text>`);
  });
  return `<svg id="${id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title"><title id="${id}-title">${esc(title)}</title>${parts.join('')}</svg>`;
}

/** Per run, a histogram of switch latencies on a shared axis (µs), with p50/p90/p99/max in text. */
function latencyPlot(rowsIn: { label: string; lat: number[] | null }[]): string {
  const rows = rowsIn.map((r) => ({ label: r.label, lat: r.lat ? r.lat.map((s) => s * 1e6).sort((a, b) => a - b) : null }));
  const withData = rows.filter((r) => r.lat && r.lat.length);
  if (!withData.length) {
    return `<section id="latency"><h2>Switch latency</h2><p>No switches were recorded.</p><svg id="plot-latency" viewBox="0 0 10 10" width="10" height="10" role="img" aria-label="no data"></svg></section>`;
  }
  // Shared axis up to the largest 99th percentile; longer switches fall into the last bin (labelled ≥).
  const upper = Math.max(0.001, ...withData.map((r) => quantile(r.lat!, 0.99))) * 1.05;
  const tk = ticks(upper, 6);
  const axisMax = tk[tk.length - 1];
  const BINS = 40;
  const W = 1100;
  const labelW = 290;
  const rightW = 250;
  const plotW = W - labelW - rightW;
  const rowH = 46;
  const top = 24;
  const H = top + rows.length * rowH + 10;
  const parts: string[] = [];
  for (const t of tk) {
    const x = labelW + (t / axisMax) * plotW;
    parts.push(`<line class="grid" x1="${n2(x)}" y1="${top - 4}" x2="${n2(x)}" y2="${H - 10}"/><text x="${n2(x)}" y="${top - 8}" text-anchor="middle">${short(t)}</text>`);
  }
  parts.push(`<text x="${labelW - 8}" y="${top - 8}" text-anchor="end">µs (pick → state switch done) →</text>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(r.label)}</text>`);
    parts.push(`<line class="axis" x1="${labelW}" y1="${y + rowH - 4}" x2="${labelW + plotW}" y2="${y + rowH - 4}"/>`);
    if (!r.lat || !r.lat.length) {
      parts.push(`<text x="${labelW + 6}" y="${y + rowH / 2 + 4}" class="note">no switches recorded</text>`);
      return;
    }
    const counts = new Array<number>(BINS).fill(0);
    for (const l of r.lat) counts[Math.min(BINS - 1, Math.floor((l / axisMax) * BINS))]++;
    const cmax = Math.max(...counts);
    const bw = plotW / BINS;
    counts.forEach((c, b) => {
      if (!c) return;
      const h = Math.max(1.5, ((rowH - 10) * c) / cmax);
      const lo = (b * axisMax) / BINS;
      const hi = ((b + 1) * axisMax) / BINS;
      parts.push(`<rect x="${n2(labelW + b * bw + 0.5)}" y="${n2(y + rowH - 4 - h)}" width="${n2(bw - 1)}" height="${n2(h)}" fill="${b === BINS - 1 ? '#b3261e' : '#0072B2'}"><title>${esc(`${r.label}: ${c} switches ${b === BINS - 1 ? `≥ ${short(lo)}` : `${short(lo)}–${short(hi)}`} µs`)}</title></rect>`);
    });
    const q = (x: number) => short(quantile(r.lat!, x));
    parts.push(`<text x="${labelW + plotW + 10}" y="${y + rowH / 2 - 3}">${r.lat.length} switches</text><text x="${labelW + plotW + 10}" y="${y + rowH / 2 + 12}">p50 ${q(0.5)} · p90 ${q(0.9)} · p99 ${q(0.99)} · max ${short(r.lat[r.lat.length - 1])} µs</text>`);
  });
  return `<section id="latency"><h2>Switch latency distribution</h2>
<p class="note">Per switch: from schedule()'s pick to the end of the state switch on that pcpu (saves, restores, the address-space switch, and any wait for a flush IPI's acknowledgement), as in the Perfetto export. Bars are scaled per run; the last bin (red) holds everything beyond the axis.</p>
<svg id="plot-latency" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="plot-latency-title"><title id="plot-latency-title">Histogram of switch latencies per run, in microseconds</title>${parts.join('')}</svg></section>`;
}

const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

/** Per architecture: cumulative lazy switches (state switches avoided) against simulated time. */
function lazyPlot(rowsIn: { arch: string; design: string; times: number[] | null; end: number; lazy: number; switches: number }[]): string {
  const archs = [...new Set(rowsIn.map((r) => r.arch))];
  const W = 1100;
  const H = 260;
  const L = 70;
  const R = 240;
  const T = 16;
  const B = 36;
  const charts: string[] = [];
  archs.forEach((arch) => {
    const rs = rowsIn.filter((r) => r.arch === arch);
    const lazy = rs.filter((r) => r.lazy > 0);
    const none = rs.filter((r) => r.lazy === 0).map((r) => r.design);
    const end = Math.max(1e-9, ...rs.map((r) => r.end));
    const ymax = Math.max(1, ...lazy.map((r) => r.lazy));
    const yt = ticks(ymax, 4);
    const xt = ticks(end * 1e3, 8);
    const ytop = yt[yt.length - 1];
    const xtop = xt[xt.length - 1];
    const X = (t: number) => L + ((t * 1e3) / xtop) * (W - L - R);
    const Y = (c: number) => H - B - (c / ytop) * (H - T - B);
    const parts: string[] = [];
    for (const t of yt) parts.push(`<line class="grid" x1="${L}" y1="${n2(Y(t))}" x2="${W - R}" y2="${n2(Y(t))}"/><text x="${L - 6}" y="${n2(Y(t) + 4)}" text-anchor="end">${short(t)}</text>`);
    for (const t of xt) parts.push(`<line class="axis" x1="${n2(X(t / 1e3))}" y1="${H - B}" x2="${n2(X(t / 1e3))}" y2="${H - B + 4}"/><text x="${n2(X(t / 1e3))}" y="${H - B + 16}" text-anchor="middle">${short(t)}</text>`);
    parts.push(`<line class="axis" x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}"/><line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${H - B}"/>`);
    parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">simulated time (ms)</text><text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">lazy switches so far</text>`);
    const labels: { y: number; text: string; colour: string }[] = [];
    lazy.forEach((r, i) => {
      const colour = OKABE_ITO[[4, 5, 2, 6, 0, 1][i % 6]];
      const dash = DASHES[i % DASHES.length];
      if (!r.times) {
        labels.push({ y: Y(r.lazy), text: `${r.design}: ${formatNumber(r.lazy)} (no timeline)`, colour });
        return;
      }
      // A step line, thinned to at most ~600 points (every point's count is exact where drawn).
      const pts: string[] = [`${n2(X(0))},${n2(Y(0))}`];
      const stride = Math.max(1, Math.ceil(r.times.length / 600));
      for (let k = 0; k < r.times.length; k += stride) {
        const x = n2(X(r.times[k]));
        pts.push(`${x},${n2(Y(k))}`, `${x},${n2(Y(k + 1))}`);
      }
      pts.push(`${n2(X(r.end))},${n2(Y(r.times.length))}`);
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.2"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${esc(`${r.design} on ${arch}: ${r.times.length} lazy switches of ${r.switches}`)}</title></polyline>`);
      labels.push({ y: Y(r.times.length), text: `${r.design}: ${formatNumber(r.times.length)} of ${formatNumber(r.switches)}`, colour });
    });
    // Direct labels at the line ends, nudged apart so they never overlap.
    labels.sort((a, b) => a.y - b.y);
    for (let k = 1; k < labels.length; k++) if (labels[k].y - labels[k - 1].y < 14) labels[k].y = labels[k - 1].y + 14;
    for (const l of labels) parts.push(`<rect x="${W - R + 6}" y="${n2(l.y - 5)}" width="10" height="10" fill="${l.colour}"/><text x="${W - R + 20}" y="${n2(l.y + 4)}">${esc(l.text)}</text>`);
    if (!lazy.length) parts.push(`<text x="${(L + W - R) / 2}" y="${(T + H - B) / 2}" text-anchor="middle">no design switched lazily on ${esc(arch)}</text>`);
    charts.push(`<h3>${esc(arch)}</h3>
<svg id="plot-lazy-${slug(arch)}" class="plot-lazy" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="plot-lazy-${slug(arch)}-title"><title id="plot-lazy-${slug(arch)}-title">Cumulative lazy switches over simulated time on ${esc(arch)}</title>${parts.join('')}</svg>
${none.length ? `<p class="note">Never lazy (always moved state): ${esc(none.join(', '))}.</p>` : ''}`);
  });
  return `<section id="lazy"><h2>Lazy switches avoided over time</h2>
<p class="note">Each line counts the switches in which the design moved no state (it left prev's state loaded, typically for idle), as simulated time passes. Lines are labelled at their ends and differ in dash pattern as well as colour.</p>
<div id="plot-lazy">${charts.join('\n')}</div></section>`;
}

function violationsSection(input: HtmlReportInput): string {
  const shown = input.violationsShown ?? 20;
  const bad = input.doc.results.filter((r) => r.violationCount > 0);
  if (!bad.length) return `<section id="violations"><h2>Violations</h2><p class="good">✓ None: the checker found every guest's registers intact at every resume and every invariant held at every step.</p></section>`;
  const used = new Set(bad.flatMap((r) => Object.keys(r.violationsByInvariant)));
  const blocks = bad.map((r) => {
    const counts = Object.entries(r.violationsByInvariant)
      .map(([k, n]) => `<span class="inv">${esc(k)}</span> × ${formatNumber(n)}`)
      .join(', ');
    const list = r.violations
      .slice(0, shown)
      .map((v) => `<li><span class="inv">${esc(v.invariant)}</span> step ${formatNumber(v.step)}, t = ${esc(v.time)} s, pcpu ${v.pcpu}${v.vcpu ? `, ${esc(v.vcpu)}` : ''}${v.register ? `, <strong>${esc(v.register)}</strong>` : ''}: ${esc(v.message)}</li>`)
      .join('\n');
    const more = r.violationCount - Math.min(shown, r.violations.length);
    return `<h3 id="violations-${slug(runLabel(r))}">${esc(runLabel(r))}: <span class="bad">✗ ${formatNumber(r.violationCount)}</span></h3>
<p>${counts}</p>
<ol class="violations">${list}</ol>${more > 0 ? `<p class="note">… and ${formatNumber(more)} more (the first ${Math.min(shown, r.violations.length)} shown).</p>` : ''}`;
  });
  const sentences = INVARIANTS.filter((i) => used.has(i.id))
    .map((i) => `<dt><span class="inv">${esc(i.id)}</span></dt><dd>${esc(i.sentence)} <span class="note">Xen: ${esc(i.xen)}</span></dd>`)
    .join('');
  return `<section id="violations"><h2>Violations</h2>
<dl class="scenario">${sentences}</dl>
${blocks.join('\n')}</section>`;
}

function timelinesSection(input: HtmlReportInput, runs: (Timeline | null)[]): string {
  const results = input.doc.results;
  const W = 1100;
  const labelW = 70;
  const plotW = W - labelW - 20;
  const laneH = 26;
  const top = 8;
  const blocks = results.map((r, i) => {
    const tl = runs[i];
    if (!tl) return `<details><summary>${esc(runLabel(r))}</summary><p>No timeline recorded.</p></details>`;
    const end = Math.max(tl.endSeconds, 1e-9);
    const H = top + tl.pcpus * laneH + 34;
    const colourOf = vcpuColours(tl);
    const parts: string[] = [];
    const lanes = runSlices(tl);
    for (let p = 0; p < tl.pcpus; p++) {
      const y = top + p * laneH;
      parts.push(`<text x="${labelW - 8}" y="${y + laneH / 2 + 4}" text-anchor="end">pcpu ${p}</text>`);
      for (const b of binLane(lanes[p], end, plotW)) {
        const vc = tl.vcpus[b.v];
        const name = vc ? (vc.idle ? 'idle' : vc.name) : `vcpu ${b.v}`;
        const w = b.x1 - b.x0;
        const t0 = ((b.x0 / plotW) * end * 1e3).toFixed(3);
        const t1 = ((b.x1 / plotW) * end * 1e3).toFixed(3);
        parts.push(`<rect x="${labelW + b.x0}" y="${y + 2}" width="${w}" height="${laneH - 4}" fill="${colourOf(b.v)}"><title>${esc(`pcpu ${p}: ${name}${vc?.domain ? ` (${vc.domain})` : ''}, ${t0}–${t1} ms`)}</title></rect>`);
        if (w >= 34) parts.push(`<text x="${labelW + b.x0 + w / 2}" y="${y + laneH / 2 + 4}" text-anchor="middle" font-size="11">${esc(name)}</text>`);
      }
    }
    // Violations: a red tick under the lane where each kept one was found.
    for (const v of r.violations) {
      if (v.pcpu < 0 || v.pcpu >= tl.pcpus) continue;
      const x = labelW + Math.min(plotW, (v.time / end) * plotW);
      const y = top + v.pcpu * laneH;
      parts.push(`<path d="M${n2(x)} ${y + laneH - 2} l-4 6 h8 z" fill="#b3261e"><title>${esc(`${v.invariant} at step ${v.step}, t = ${v.time} s: ${v.message}`)}</title></path>`);
    }
    const xt = ticks(end * 1e3, 10);
    const ay = top + tl.pcpus * laneH + 6;
    for (const t of xt) {
      if (t > end * 1e3 * 1.0001) continue;
      const x = labelW + (t / (end * 1e3)) * plotW;
      parts.push(`<line class="axis" x1="${n2(x)}" y1="${ay}" x2="${n2(x)}" y2="${ay + 4}"/><text x="${n2(x)}" y="${ay + 16}" text-anchor="middle">${short(t)}</text>`);
    }
    parts.push(`<text x="${labelW + plotW}" y="${ay + 28}" text-anchor="end">ms</text>`);
    const legendItems = tl.vcpus.map((v, k) => ({ v: k, name: v.idle ? `${v.name} (idle)` : `${v.name} (${v.domain})`, idle: v.idle })).filter((x) => !x.idle);
    const lg = legend([...legendItems.map((x) => ({ label: x.name, colour: colourOf(x.v) })), { label: 'idle', colour: colourOf(tl.vcpus.findIndex((v) => v.idle)) }]);
    const id = `timeline-${slug(r.arch)}-${slug(r.design)}`;
    return `<details${i === 0 || r.violationCount ? ' open' : ''}><summary>${esc(runLabel(r))}${r.violationCount ? ` — <span class="bad">✗ ${formatNumber(r.violationCount)} violations (red marks)</span>` : ''}</summary>
${lg}
<svg id="${id}" class="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title"><title id="${id}-title">Per-pcpu timeline of ${esc(runLabel(r))}: which vcpu ran when</title>${parts.join('')}</svg></details>`;
  });
  return `<section id="timelines"><h2>Per-pcpu timelines</h2>
<p class="note">One lane per pcpu: which vcpu was <code>current</code> (from one state switch to the next). Vcpus of one domain share a hue; idle is light grey. Where more than one vcpu ran within a pixel, the one that ran longest is drawn; hover for names and times.</p>
${blocks.join('\n')}</section>`;
}

/** Colour per vcpu: its domain's hue, vcpus of one domain in steps of lightness; idle grey. */
function vcpuColours(tl: Timeline): (v: number) => string {
  const domIdx = new Map<string, number>();
  const byDom = new Map<string, number[]>();
  tl.vcpus.forEach((v, k) => {
    if (v.idle || v.domain === null) return;
    if (!domIdx.has(v.domain)) {
      const m = /^d(\d+)$/.exec(v.domain);
      domIdx.set(v.domain, m ? Number(m[1]) - 1 : domIdx.size);
      byDom.set(v.domain, []);
    }
    byDom.get(v.domain)!.push(k);
  });
  const colours = new Map<number, string>();
  for (const [d, vs] of byDom) {
    const base = domainColour(domIdx.get(d)!);
    // One hue per domain, and each of its vcpus a clearly different lightness of it: the base,
    // then alternately much darker and much lighter (d1v0 and d1v1 were two near oranges).
    vs.forEach((v, j) => colours.set(v, vcpuShade(base, j)));
  }
  return (v) => colours.get(v) ?? '#e6e8eb';
}
