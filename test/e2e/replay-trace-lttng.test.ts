/**
 * End-to-end (issue 21 §3): `lazyswitch replay-trace` on babeltrace2 / babeltrace 1 text of LTTng
 * kernel traces (auto-detected and with --format lttng): per-cpu switch counts equal an independent
 * count over the fixture, 0 violations for the default designs; a CTF directory is refused with
 * exit 2 and the babeltrace2 command to run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_TRACES_DIR, REPO_ROOT } from '../shared-data.ts';

const BIN = join(REPO_ROOT, 'bin/lazyswitch.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'lazyswitch-lttng-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function independentCounts(text: string): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of text.matchAll(/sched_switch: \{ cpu_id = (\d+) \}/g)) m[x[1]] = (m[x[1]] ?? 0) + 1;
  return m;
}

describe.concurrent('replay-trace: LTTng through babeltrace', () => {
  for (const [name, args] of [
    ['lttng-babeltrace2.txt', []],
    ['lttng-babeltrace1.txt', []],
    ['lttng-clock-seconds.txt', []],
    ['lttng-babeltrace2.txt', ['--format', 'lttng']],
  ] as [string, string[]][]) {
    it(`${name} ${args.join(' ')}: counts per cpu as the fixture says, 0 violations for the default designs`, () => {
      const file = join(FIXTURE_TRACES_DIR, name);
      const r = cli('replay-trace', file, '--json', ...args);
      expect(r.code, r.err).toBe(0);
      const doc = JSON.parse(r.out);
      expect(doc.trace.format).toBe('lttng');
      expect(doc.trace.switchesPerCpu).toEqual(independentCounts(readFileSync(file, 'utf8')));
      expect(doc.results.length).toBeGreaterThan(0);
      for (const x of doc.results) expect(x.violations, `${x.design}/${x.arch}`).toEqual([]);
    });
  }

  it('the table names the format', () => {
    const r = cli('replay-trace', join(FIXTURE_TRACES_DIR, 'lttng-babeltrace2.txt'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/lttng/);
  });

  it('a CTF trace directory: exit 2, a sentence with the babeltrace2 command, no stack', () => {
    const dir = join(tmp, 'lttng-traces', 'session-20261203');
    mkdirSync(join(dir, 'kernel'), { recursive: true });
    writeFileSync(join(dir, 'kernel', 'metadata'), '/* CTF 1.8 */\n');
    const r = cli('replay-trace', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`babeltrace2 ${dir} > trace.txt`);
    expect(r.err).toMatch(/is a directory/);
    expect(r.err).not.toMatch(/EISDIR|\n\s+at /);
  });
});
