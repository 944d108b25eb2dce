/**
 * End-to-end (issue 21 items 4 and 8, issue 22 item 6, issue 16): `lazyswitch replay-trace` on
 * gzip and Chrome trace JSON files; --contract; the default designs (those `run` compares) and
 * --design all with the ones kept broken marked `expected`; exit 1 when a design that should be
 * correct has a violation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDesigns } from '../../src/cli/run.ts';
import { getArch } from '../../src/arch/index.ts';
import { describeTraces, FIXTURE_TRACES_DIR, REPO_ROOT, tracePath } from '../shared-data.ts';

const BIN = join(REPO_ROOT, 'bin/lazyswitch.mjs');
const fixture = (name: string) => join(FIXTURE_TRACES_DIR, name);
const tmp = mkdtempSync(join(tmpdir(), 'lazyswitch-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const MIGRATION = fixture('ftrace-migration.txt');

describe('replay-trace: which designs, under which contract, and the exit status', () => {
  it('by default runs the designs `run` compares (none kept broken, each written for the contract), and exits 0', () => {
    const r = cli('replay-trace', MIGRATION, '--json');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    const want = ['x86-64', 'ppc64'].flatMap((a) => defaultDesigns().filter((d) => d.supports(getArch(a)) === true).map((d) => `${d.name}/${a}`));
    expect(doc.results.map((x: { design: string; arch: string }) => `${x.design}/${x.arch}`)).toEqual(want);
    expect(doc.results.every((x: { expected: boolean; violations: unknown[] }) => x.expected === false && x.violations.length === 0)).toBe(true);
    expect(doc.contract).toBe('2006-01-07');
    expect(doc).not.toHaveProperty('skipped');
  });

  it('--design all adds the designs kept broken (and those not written for the contract), marked expected in JSON and table; still exit 0', () => {
    const j = cli('replay-trace', MIGRATION, '--design', 'all', '--arch', 'x86-64', '--json');
    expect(j.code, j.err).toBe(0);
    const rows = JSON.parse(j.out).results as { design: string; expected: boolean; violationCount: number }[];
    const row = (d: string) => rows.find((x) => x.design === d)!;
    expect(row('xen-x86-lazy-2005')).toMatchObject({ expected: true });
    expect(row('xen-x86-lazy-2005').violationCount).toBeGreaterThan(0); // no pull: A's state is still on cpu0
    expect(row('xen-x86-lazy')).toMatchObject({ expected: false, violationCount: 0 });
    const t = cli('replay-trace', MIGRATION, '--design', 'all', '--arch', 'x86-64');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/x86-64\s+xen-x86-lazy-2005 \(expected to fail\)\s+4/);
    expect(t.out).toMatch(/^x86-64\s+xen-x86-lazy\s+4/m);
    expect(t.out).toMatch(/\(expected to fail: kept broken on purpose, or not written for contract 2006-01-07/);
    const ppc = JSON.parse(cli('replay-trace', fixture('fuchsia-ctxsw.json'), '--design', 'all', '--arch', 'ppc64', '--json').out).results;
    expect(ppc.find((x: { design: string }) => x.design === 'ppc-naive-volatile')).toMatchObject({ expected: true });
  });

  it('--contract 2005-08: xen-x86-lazy runs as its 2005 form, and the trace migration is a pause with its sync, as then: no violation', () => {
    const r = cli('replay-trace', MIGRATION, '--contract', '2005-08', '--design', 'xen-x86-lazy', '--arch', 'x86-64', '--json');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.contract).toBe('2005-08');
    expect(doc.results[0]).toMatchObject({ design: 'xen-x86-lazy', form: 'xen-x86-lazy-2005', contract: '2005-08', expected: false, violations: [] });
    expect(doc.results[0].metrics.remoteSyncs).toBe(1);
    const t = cli('replay-trace', MIGRATION, '--contract', '2005-08', '--design', 'xen-x86-lazy', '--arch', 'x86-64');
    expect(t.out).toMatch(/contract 2005-08, checker on/);
    expect(t.out).toMatch(/xen-x86-lazy as xen-x86-lazy-2005/);
  });

  it('exits 1 when a design not kept broken has a violation, naming it; a bad --contract exits 2', () => {
    const f = join(tmp, 'user-no-pull.mts');
    writeFileSync(f, `import { lazyNoPull } from ${JSON.stringify(join(REPO_ROOT, 'test/broken/lazy-no-pull.ts'))};\nexport default { ...lazyNoPull, name: 'user-no-pull', broken: undefined };\n`);
    const r = cli('replay-trace', MIGRATION, '--design-file', f, '--arch', 'x86-64');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/exit status 1: user-no-pull on x86-64 \(\d+ violations\)/);
    const j = cli('replay-trace', MIGRATION, '--design-file', f, '--arch', 'x86-64', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out).results[0]).toMatchObject({ design: 'user-no-pull', expected: false });
    const bad = cli('replay-trace', MIGRATION, '--contract', '2007');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--contract: unknown contract "2007"; expected one of 2005-08, 2006-01-06, 2006-01-07/);
    expect(bad.err).not.toMatch(/\n\s+at /);
  });
});

describe('replay-trace on Chrome trace JSON and gzip', () => {
  it('a gzipped Fuchsia JSON of the repository: the facts say chrome-json, fuchsia, gzip', () => {
    const f = join(tmp, 'fuchsia.json.gz');
    writeFileSync(f, gzipSync(readFileSync(fixture('fuchsia-ctxsw.json'))));
    const r = cli('replay-trace', f, '--design', 'eager', '--arch', 'x86-64', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).trace).toMatchObject({ format: 'chrome-json', embeddedFormat: 'fuchsia', gzip: true, cpus: 2, switchesPerCpu: { 0: 5, 1: 2 } });
    const t = cli('replay-trace', f, '--design', 'eager', '--arch', 'x86-64');
    expect(t.out).toMatch(/chrome-json \(systemTraceEvents: fuchsia\), gzip, 2 cpus, 3 tasks in 2 domains \(--group tgid\)/);
  });

  it('a truncated gzip and a traceEvents-only JSON: exit 2, one sentence, no output', () => {
    const whole = gzipSync(readFileSync(MIGRATION));
    const cut = join(tmp, 'cut.txt.gz');
    writeFileSync(cut, whole.subarray(0, whole.length - 12));
    const a = cli('replay-trace', cut);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/cut\.txt\.gz: trace: not a readable gzip file: unexpected end of file/);
    expect(a.out).toBe('');
    const b = cli('replay-trace', fixture('chrome-array-no-switches.json'));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/no context switch in this Chrome trace JSON/);
    expect(b.err).not.toMatch(/\n\s+at /);
  });
});

describeTraces('replay-trace fuchsia_4cpu_ctxsw.json.gz (../shared)', ['fuchsia_4cpu_ctxsw.json.gz'], () => {
  it('per-cpu switch counts equal an independent count of the ph "k" events; every correct design 0 violations', () => {
    const doc = JSON.parse(gunzipSync(readFileSync(tracePath('fuchsia_4cpu_ctxsw.json.gz'))).toString('utf8')) as { systemTraceEvents: { events: { ph: string; cpu?: number }[] } };
    const want: Record<string, number> = {};
    for (const e of doc.systemTraceEvents.events) if (e.ph === 'k') want[String(e.cpu)] = (want[String(e.cpu)] ?? 0) + 1;
    const r = cli('replay-trace', tracePath('fuchsia_4cpu_ctxsw.json.gz'), '--design', 'eager', 'xen-x86-lazy', '--arch', 'x86-64', '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.trace).toMatchObject({ format: 'chrome-json', embeddedFormat: 'fuchsia', gzip: true, cpus: 4, switches: 46691, malformedLines: 0 });
    expect(out.trace.switchesPerCpu).toEqual(want);
    for (const res of out.results) expect(res.violations, res.design).toEqual([]);
  });
});
