/**
 * Issue 21 item 7: xentrace timestamps are TSC cycles. Without `--tsc-hz` the rate is estimated
 * from the records that carry Xen system time (SWITCH_INFPREV's runtime in ns, against the TSC
 * of the stint it covers), and the replay says so; a trace without such records is refused with
 * one clear message (it used to read "--tsc-hz: --tsc-hz: …").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../base/index.ts';
import { planReplay } from '../sim/index.ts';
import { renderTraceFacts } from '../report/replay-report.ts';
import { XEN_IDLE_DOMID, type TraceRecord } from './record.ts';
import { TraceDiagnostics } from './trace-diagnostics.ts';
import { parseTraceLines } from './trace-parser.ts';
import { TRC_SCHED_SWITCH, TRC_SCHED_SWITCH_INFPREV, TRC_TRACE_CPU_CHANGE } from './xen-sched.ts';
import { XentraceParser } from './xentrace-binary.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/traces/${name}`, import.meta.url), 'utf8').split('\n');

function collect(lines: Iterable<string>, tscHz?: number) {
  const diagnostics = new TraceDiagnostics();
  const records = [...parseTraceLines(lines, { diagnostics, tscHz })];
  return { records, diagnostics };
}

describe('xentrace TSC rate', () => {
  it('decoded text: estimated from switch_infprev runtimes (2.0 GHz fixture), and the replay converts with it', () => {
    const { records, diagnostics } = collect(fixture('xen-decoded-infprev.txt'));
    expect(diagnostics.format).toBe('xentrace');
    expect(diagnostics.header.tsUnit).toBe('tsc-cycles');
    // 9 stints of >= 1 ms seen from their switch-in (the first stint on each pcpu is not).
    expect(diagnostics.header.tscHzEstimate).toEqual({ hz: 2e9, samples: 9 });
    const plan = planReplay(records, diagnostics, { source: 'x.txt' });
    expect(plan.facts.tsc).toEqual({ hz: 2e9, estimated: true, samples: 9 });
    // cpu0 runs 3 + 1.5 + 2 + 4 + 1 ms from t=0; cpu1 starts 1 ms later.
    expect(plan.facts.spanSeconds).toBeCloseTo(0.0115, 6);
    expect(renderTraceFacts({ ...plan.facts })).toMatch(/TSC rate: 2,000,000,000 Hz, estimated from 9 switch_infprev runtimes .*--tsc-hz overrides/);
    // The same with --tsc-hz: no estimate, the flag's rate, the same times.
    const given = collect(fixture('xen-decoded-infprev.txt'), 2e9);
    expect(given.diagnostics.header.tscHzEstimate).toBeUndefined();
    const p2 = planReplay(given.records, given.diagnostics);
    expect(p2.facts.tsc).toEqual({ hz: 2e9, estimated: false });
    expect(p2.facts.spanSeconds).toBeCloseTo(plan.facts.spanSeconds, 9);
    expect([...p2.time].map((t) => t.toFixed(9))).toEqual([...plan.time].map((t) => t.toFixed(9)));
  });

  it('binary: the same estimate from SWITCH_INFPREV records (dom, vcpu, runtime words)', () => {
    const rec = (code: number, data: number[], tsc: number) => [(code | (data.length << 28) | 0x80000000) >>> 0, tsc % 2 ** 32, Math.floor(tsc / 2 ** 32), ...data];
    const HZ = 3e9;
    const T = 1e12;
    const words: number[] = [...rec(TRC_TRACE_CPU_CHANGE, [0, 0], T)];
    let prev: [number, number] = [XEN_IDLE_DOMID, 0];
    let t = T;
    let ran = 0;
    for (let i = 0; i < 5; i++) {
      const next: [number, number] = i % 2 ? [XEN_IDLE_DOMID, 0] : [1, i];
      words.push(...rec(TRC_SCHED_SWITCH_INFPREV, [prev[0], prev[1], ran], t), ...rec(TRC_SCHED_SWITCH, [...prev, ...next], t + 500));
      ran = 2e6 + i * 1e5;
      t += (ran * HZ) / 1e9;
      prev = next;
    }
    const b = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w, true));
    const records: TraceRecord[] = [];
    const p = new XentraceParser({ onRecord: (r) => records.push(r) });
    p.push(b);
    const d = p.end();
    expect(d.header.tscHzEstimate).toEqual({ hz: HZ, samples: 4 });
    expect(planReplay(records, d).facts.spanSeconds).toBeCloseTo((2e6 + 2.1e6 + 2.2e6 + 2.3e6) / 1e9, 9);
  });

  it('no rate and nothing to estimate it from: one clear message naming --tsc-hz once', () => {
    const { records, diagnostics } = collect(fixture('xen-credit2-decoded.txt'));
    expect(diagnostics.header.tscHzEstimate).toBeUndefined();
    let err: unknown;
    try {
      planReplay(records, diagnostics, { source: 'xen-credit2-decoded.txt' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^xen-credit2-decoded\.txt: --tsc-hz: the xentrace timestamps are TSC cycles and the trace carries no rate/);
    expect(msg).toMatch(/e\.g\. --tsc-hz 2\.4e9/);
    expect(msg).not.toMatch(/--tsc-hz: --tsc-hz/);
  });
});
