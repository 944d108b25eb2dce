/**
 * End-to-end (issue 15 §5): `run` spreads its design × architecture cells over worker threads
 * (src/cli/run-pool.ts), and what it prints and writes is the same bytes whatever the number of
 * workers — the JSON document, the text table, and the timelines (--perfetto, --ftrace).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('run --workers', () => {
  const args = ['run', '--time', '60ms', '--seed', '4', '--control-rate', '1000', '--arch', 'x86-64', 'ppc64', 'arm64'];

  it('prints the same JSON with 1, 2 and 5 workers (and the default)', () => {
    const one = cli(...args, '--json', '--workers', '1');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out).results.length).toBeGreaterThan(5);
    for (const w of [['--workers', '2'], ['--workers', '5'], []]) {
      const r = cli(...args, '--json', ...w);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe(one.out);
    }
  });

  it('prints the same table, and writes the same timelines, with 1 and 3 workers', () => {
    const files = (w: string) => {
      const dir = mkdtempSync(join(tmpdir(), `lazyswitch-workers-${w}-`));
      const r = cli(...args, '--workers', w, '--perfetto', join(dir, 'trace.json'), '--ftrace', join(dir, 'sched.txt'));
      expect(r.code, r.err).toBe(0);
      const written = readdirSync(dir).sort();
      return { text: r.out.replaceAll(dir, 'DIR'), written, bytes: written.map((f) => readFileSync(join(dir, f), 'utf8')) };
    };
    const a = files('1');
    const b = files('3');
    expect(a.written.length).toBeGreaterThan(1);
    expect(b.written).toEqual(a.written);
    expect(b.bytes).toEqual(a.bytes);
    expect(b.text).toBe(a.text);
  });

  it('refuses a worker count that is not a positive integer: exit 2, the flag named', () => {
    const r = cli('run', '--time', '10ms', '--workers', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workers/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
