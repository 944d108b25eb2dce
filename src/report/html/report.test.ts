/**
 * The HTML report as text (the browser test in test/browser/ checks it rendered): every section,
 * no external reference, byte-identical for the same inputs; and the timeline derivations.
 */
import { describe, expect, it } from 'vitest';
import { getArch } from '../../arch/index.ts';
import { getDesign, getScheduler } from '../../hv/index.ts';
import { runOne } from '../../sim/index.ts';
import { parseDomains } from '../../scenario/index.ts';
import { TimelineRecorder, type RunDocument, type Timeline } from '../index.ts';
import { binLane, lazySwitchTimes, runSlices, switchLatencies } from './derive.ts';
import { renderHtmlReport, vcpuShade, type ReportRun } from './report.ts';

function report(): string {
  const arch = getArch('ppc64');
  const domains = parseDomains('cpu*2,io*2');
  const runs: ReportRun[] = [];
  const results = ['xen-x86-lazy', 'ppc-naive-volatile'].map((name) => {
    const tracer = new TimelineRecorder();
    const design = getDesign(name);
    return runOne({ arch, design, sched: getScheduler('credit'), pcpus: 2, domains, seconds: 0.02, seed: 3, tracer, onDone: (st) => runs.push({ arch: arch.name, design: name, timeline: tracer.finish(st) }) });
  });
  const doc: RunDocument = { scenario: { archs: ['ppc64'], pcpus: 2, domains, sched: 'credit', designs: results.map((r) => r.design), seconds: 0.02, seed: 3, controlHz: 0 }, results };
  return renderHtmlReport({ doc, runs, broken: { 'ppc-naive-volatile': 'loses r14–r31' } });
}

describe('report/html', () => {
  const html = report();
  it('has every section, plot and timeline, and references nothing outside itself', () => {
    for (const id of ['scenario', 'table', 'comparison', 'reading', 'cost', 'plot-cost', 'plot-cost-norefill', 'latency', 'plot-latency', 'lazy', 'plot-lazy', 'violations', 'timelines', 'timeline-ppc64-xen-x86-lazy', 'timeline-ppc64-ppc-naive-volatile']) {
      expect(html, id).toContain(`id="${id}"`);
    }
    expect(html).not.toMatch(/<script|<link|<img|url\(|src=|href="(?!#)/);
    expect(html).toContain('kept broken on purpose');
    expect(html).toMatch(/inv3<\/span> step [\d,]+, t = [\d.e-]+ s, pcpu \d, d\dv\d, <strong>r(1[4-9]|2\d|3[01])<\/strong>/);
  });
  it('is the same bytes for the same inputs', () => {
    expect(report()).toBe(html);
  });
  it('escapes what it prints', () => {
    expect(html).not.toMatch(/the guest's value/);
    expect(html).toContain('the guest&#39;s value');
  });
});

describe('report/html/derive', () => {
  const tl: Timeline = {
    pcpus: 2,
    initial: [0, 1],
    vcpus: [
      { name: 'idle0', domain: null, idle: true },
      { name: 'idle1', domain: null, idle: true },
      { name: 'd1v0', domain: 'd1', idle: false },
    ],
    events: [
      { t: 0.001, kind: 'sched', p: 0, a: 0, b: 2, lazy: false, prevRunstate: -1 },
      { t: 0.0015, kind: 'switch', p: 0, a: 0, b: 2, lazy: false, prevRunstate: 0 },
      { t: 0.004, kind: 'sched', p: 0, a: 2, b: 0, lazy: false, prevRunstate: -1 },
      { t: 0.004, kind: 'switch', p: 0, a: 2, b: 0, lazy: true, prevRunstate: 1 },
    ],
    endSeconds: 0.01,
    ipiSeconds: 1e-6,
  };
  it('slices each pcpu from one state switch to the next, end to end', () => {
    expect(runSlices(tl)).toEqual([
      [
        { v: 0, t0: 0, t1: 0.0015 },
        { v: 2, t0: 0.0015, t1: 0.004 },
        { v: 0, t0: 0.004, t1: 0.01 },
      ],
      [{ v: 1, t0: 0, t1: 0.01 }],
    ]);
  });
  it('measures each switch from the pick to the end of the state switch; lists the lazy ones', () => {
    const lat = switchLatencies(tl);
    expect(lat).toHaveLength(2);
    expect(lat[0]).toBeCloseTo(0.0005, 12);
    expect(lat[1]).toBe(0);
    expect(lazySwitchTimes(tl)).toEqual([0.004]);
  });
  it('bins a lane into pixel columns, the longest-running vcpu per column', () => {
    const lane = runSlices(tl)[0];
    expect(binLane(lane, 0.01, 10)).toEqual([
      { v: 0, x0: 0, x1: 2 },
      { v: 2, x0: 2, x1: 4 },
      { v: 0, x0: 4, x1: 10 },
    ]);
    // 1000 slices in 10 columns: never more rects than columns.
    const many = Array.from({ length: 1000 }, (_, i) => ({ v: i % 3, t0: i / 1000, t1: (i + 1) / 1000 }));
    expect(binLane(many, 1, 10).length).toBeLessThanOrEqual(10);
  });
});

describe('timeline colours', () => {
  it("give a domain's vcpus one hue and clearly different lightness (d1v0 and d1v1 were two near oranges)", () => {
    const lum = (hex: string) => {
      const v = parseInt(hex.slice(1), 16);
      return 0.2126 * ((v >> 16) & 255) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255);
    };
    const base = '#E69F00';
    const shades = [0, 1, 2, 3].map((j) => vcpuShade(base, j));
    expect(new Set(shades).size).toBe(4);
    for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) expect(Math.abs(lum(shades[a]) - lum(shades[b]))).toBeGreaterThan(30);
  });
});
