import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/traces/${name}`, import.meta.url), 'utf8').split('\n');

describe('detectFormat', () => {
  it('tells each fixture format', () => {
    expect(detectFormat(fixture('android-atrace-tgid.txt'))).toBe('ftrace');
    expect(detectFormat(fixture('trace-cmd-report.txt'))).toBe('trace-cmd');
    expect(detectFormat(fixture('perf-3.13-no-cpu.txt'))).toBe('perf');
    expect(detectFormat(fixture('xen-credit2-decoded.txt'))).toBe('xentrace');
    expect(detectFormat(fixture('not-a-trace.json'))).toBeNull();
  });

  it('tells trace-cmd -R from the payload, with or without its header', () => {
    const raw =
      '              sh-1642  [002]    76.211701: sched_switch:          prev_comm=sh prev_pid=1642 prev_prio=120 prev_state=4096 next_comm=kworker/u12:1 next_pid=46 next_prio=120';
    expect(detectFormat(['version = 6', 'cpus=6', raw])).toBe('trace-cmd-raw');
    expect(detectFormat([raw])).toBe('trace-cmd-raw');
  });

  it('tells trace-cmd from the compact payload even without a header', () => {
    expect(detectFormat(['          <idle>-0     [002] 162534.216056: sched_switch:         swapper/2:0 [120] R ==> sh:6243 [120]'])).toBe('trace-cmd');
  });

  it('waits for a sched_switch, then falls back on headers and line family', () => {
    const wake = '     kworker/0:0-13696 [000] 50260.647590: sched_wakeup: comm=mmcqd/0 pid=95 prio=120 success=1 target_cpu=000';
    expect(detectFormat([wake])).toBe('ftrace');
    expect(detectFormat(['cpus=2', wake])).toBe('trace-cmd');
    expect(detectFormat(['version = 6', 'cpus=2'])).toBe('trace-cmd-raw');
    expect(detectFormat(['# tracer: nop', '#'])).toBe('ftrace');
  });

  it('gives up after 50 meaningful lines, not counting comments', () => {
    const sw =
      '          atrace-14662 [000] 50260.647576: sched_switch: prev_comm=atrace prev_pid=14662 prev_prio=120 prev_state=S ==> next_comm=kworker/0:0 next_pid=13696 next_prio=120';
    const junk = Array.from({ length: 50 }, (_, i) => `junk line ${i}`);
    expect(detectFormat([...junk, sw])).toBeNull();
    expect(detectFormat([...junk.slice(1), sw])).toBe('ftrace');
    expect(detectFormat([...Array.from({ length: 200 }, () => '# comment'), '', sw])).toBe('ftrace');
  });

  it('returns null for empty and comment-only input without a tracer header', () => {
    expect(detectFormat([])).toBeNull();
    expect(detectFormat(['', '# just a comment'])).toBeNull();
  });
});
