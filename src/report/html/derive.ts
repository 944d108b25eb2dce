/**
 * @module report/html/derive: what the report's plots need, derived from a recorded Timeline
 * (report/timeline.ts) — who ran where and when, how long each switch took, when each lazy
 * switch happened. Pure.
 *
 * Switch latency is measured as the Perfetto export measures a switch (report/perfetto.ts): from
 * schedule()'s pick (the `sched` event) to the end of the state switch (the `switch` event) on
 * the same pcpu — the design's saves, restores and address-space switch, plus any wait for a
 * flush IPI's acknowledgement. The schedule() pass itself (a fixed cost) is before the pick.
 */
import type { Timeline } from '../timeline.ts';

export interface Slice {
  /** vcpu id. */
  v: number;
  t0: number;
  t1: number;
}

/** Per pcpu: the vcpu `current` there, slice by slice, from 0 to the end of the timeline. */
export function runSlices(tl: Timeline): Slice[][] {
  const out: Slice[][] = Array.from({ length: tl.pcpus }, () => []);
  const running = tl.initial.slice();
  const from = new Array<number>(tl.pcpus).fill(0);
  for (const e of tl.events) {
    if (e.kind !== 'switch' || e.p < 0 || e.p >= tl.pcpus) continue;
    if (e.t > from[e.p]) out[e.p].push({ v: running[e.p], t0: from[e.p], t1: e.t });
    running[e.p] = e.b;
    from[e.p] = e.t;
  }
  for (let p = 0; p < tl.pcpus; p++) if (tl.endSeconds > from[p]) out[p].push({ v: running[p], t0: from[p], t1: tl.endSeconds });
  return out;
}

/** Per switch, in seconds: schedule()'s pick to the end of the state switch. */
export function switchLatencies(tl: Timeline): number[] {
  const schedAt = new Array<number>(tl.pcpus).fill(-1);
  const out: number[] = [];
  for (const e of tl.events) {
    if (e.p < 0 || e.p >= tl.pcpus) continue;
    if (e.kind === 'sched') schedAt[e.p] = e.t;
    else if (e.kind === 'switch' && schedAt[e.p] >= 0) {
      out.push(Math.max(0, e.t - schedAt[e.p]));
      schedAt[e.p] = -1;
    }
  }
  return out;
}

/** Times (seconds) of the lazy switches: the state switches in which the design moved nothing. */
export function lazySwitchTimes(tl: Timeline): number[] {
  const out: number[] = [];
  for (const e of tl.events) if (e.kind === 'switch' && e.lazy) out.push(e.t);
  return out.sort((a, b) => a - b);
}

/** The q-quantile (0..1) of an ascending array. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/**
 * One pcpu lane binned into `width` pixel columns: each column shows the vcpu that ran longest
 * in it; runs of equal columns merge into one rect. Exact whenever slices are wider than a pixel;
 * a second of simulated time stays a few hundred rects per lane instead of thousands.
 */
export function binLane(slices: Slice[], end: number, width: number): { v: number; x0: number; x1: number }[] {
  if (!(end > 0) || !slices.length) return [];
  const best = new Int32Array(width).fill(-1);
  const bestDur = new Float64Array(width);
  const cov = new Map<number, number>();
  let col = 0;
  const flush = () => {
    let bv = -1;
    let bd = 0;
    for (const [v, d] of cov) if (d > bd || (d === bd && v < bv)) [bv, bd] = [v, d];
    if (col < width) {
      best[col] = bv;
      bestDur[col] = bd;
    }
    cov.clear();
  };
  const px = end / width;
  for (const s of slices) {
    let t = s.t0;
    while (t < s.t1) {
      let c = Math.min(width - 1, Math.floor(t / px));
      const colEnd = (k: number) => (k === width - 1 ? s.t1 : Math.min(s.t1, (k + 1) * px));
      // Floating point can put t exactly on (or a hair past) its column's end: move on a column.
      if (colEnd(c) <= t && c < width - 1) c++;
      const cEnd = colEnd(c);
      if (cEnd <= t) break;
      while (col < c) {
        flush();
        col++;
      }
      cov.set(s.v, (cov.get(s.v) ?? 0) + (cEnd - t));
      t = cEnd;
    }
  }
  flush();
  const out: { v: number; x0: number; x1: number }[] = [];
  for (let c = 0; c < width; c++) {
    const v = best[c];
    if (v < 0) continue;
    const last = out[out.length - 1];
    if (last && last.v === v && last.x1 === c) last.x1 = c + 1;
    else out.push({ v, x0: c, x1: c + 1 });
  }
  return out;
}
