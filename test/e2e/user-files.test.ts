/**
 * End-to-end (issue 20): a user's own architecture file and own switch-design files in every
 * command that takes an architecture or a design — run, explore, replay, replay-trace, explain,
 * conformance, mutants. The files are written into a fresh directory under os.tmpdir(), outside
 * the repository, with no package.json beside them; the designs import from 'lazyswitch'. The
 * architecture is ppc64 under another name, "my-power" (YAML), so the PowerPC designs must take
 * it by what it is, not by its name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ppc64 } from '../../src/arch/defs/ppc64.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;
const TRACE = new URL('../fixtures/traces/ftrace-migration.txt', import.meta.url).pathname;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmpdir() });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-user-'));
const ARCH = join(dir, 'power.yaml');
const GOOD = join(dir, 'good.ts');
const BAD = join(dir, 'bad.ts');
writeFileSync(ARCH, stringify({ ...ppc64, name: 'my-power', description: "a user's POWER file: ppc64 under another name" }));
// Correct: the README's example (examples/my-design.ts: eager, but never saves a unit the outgoing guest's profile does not write), outside the repository.
writeFileSync(GOOD, readFileSync(new URL('../../examples/my-design.ts', import.meta.url), 'utf8'));
// Deliberately broken: loads next, never saves prev.
writeFileSync(
  BAD,
  `import { loadAll, setLoadedAll, writePtbase, HV_OWNER, type SwitchDesign } from 'lazyswitch';
export const design: SwitchDesign = {
  name: 'never-saves',
  summary: 'loads next but never saves prev: every register of prev is lost',
  cites: ['a deliberately broken user design'],
  supports: () => true,
  entrySaves: (arch) => arch.hvRegs,
  contextSwitch(st, p, prev, next) {
    if (!st.vcpus[next].isIdle) loadAll(st, p, next);
    writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);
    setLoadedAll(st, p, next);
  },
};
`,
);

// The same broken design split in two: its switch lives in a helper file of the user's own.
const SPLIT = join(dir, 'split.ts');
const HELPER = join(dir, 'split-switch.ts');
writeFileSync(SPLIT, `import type { SwitchDesign } from 'lazyswitch';\nimport { switchWithoutSave } from './split-switch.js';\nexport const design: SwitchDesign = { name: 'split-never-saves', summary: 'never-saves, its switch in a helper file', cites: ['a deliberately broken user design'], supports: () => true, entrySaves: (arch) => arch.hvRegs, contextSwitch: switchWithoutSave };\n`);
writeFileSync(HELPER, `import { loadAll, setLoadedAll, writePtbase, HV_OWNER, type HvState } from 'lazyswitch';\nexport function switchWithoutSave(st: HvState, p: number, prev: number, next: number): void {\n  if (!st.vcpus[next].isIdle) loadAll(st, p, next);\n  writePtbase(st, p, st.vcpus[next].isIdle ? HV_OWNER : st.vcpus[next].domain);\n  setLoadedAll(st, p, next);\n}\n`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ['--domains', 'int*2', '--no-control', '--ops', 'hypercall,block', '--no-ratio'];

describe('user files outside the repository', () => {
  it('the directory has no package.json: the files load as ES modules, importing lazyswitch by name', () => {
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });

  it('run: the correct design keeps every register, the broken one loses some (exit 1)', () => {
    const r = cli('run', '--arch', ARCH, '--design-file', GOOD, BAD, '--time', '100ms', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    const by = Object.fromEntries(doc.results.map((x: any) => [x.design, x]));
    expect(by['skip-unused-units'].arch).toBe('my-power');
    expect(by['skip-unused-units'].violations).toEqual([]);
    expect(by['never-saves'].violations.length).toBeGreaterThan(0);
    const text = cli('run', '--arch', ARCH, '--design-file', GOOD, BAD, '--time', '100ms');
    expect(text.out).toMatch(/exit status 1: never-saves on my-power/);
  });

  let replay = '';
  it('explore --design-file --arch FILE: the correct design explored to completion, no violation', () => {
    const r = cli('explore', '--design-file', GOOD, '--arch', ARCH, ...SMALL, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ design: 'skip-unused-units', arch: 'my-power', complete: true, violations: [] });
    expect(doc.config).toMatchObject({ designFile: GOOD, archFile: ARCH });
  });

  it('explore: the broken design caught; its replay string names both files and their hashes', () => {
    const r = cli('explore', '--design-file', BAD, '--arch', ARCH, ...SMALL, '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.violations[0].invariant).toBe('inv3');
    replay = doc.violations[0].replay;
    expect(replay).toContain(` designfile=${BAD} designsha256=`);
    expect(replay).toContain(` archfile=${ARCH} archsha256=`);
    expect(replay).toMatch(/designsha256=[0-9a-f]{16} /);
  });

  it('replay: the string reproduces the violation; a changed file is refused with exit 2', () => {
    const r = cli('replay', replay, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ design: 'never-saves', arch: 'my-power' });
    expect(doc.violations[0].invariant).toBe('inv3');

    const text = readFileSync(BAD, 'utf8');
    appendFileSync(BAD, '// edited\n');
    const changed = cli('replay', replay);
    writeFileSync(BAD, text);
    expect(changed.code).toBe(2);
    expect(changed.out).toBe('');
    expect(changed.err).toMatch(new RegExp(`designfile: "${BAD}" has changed since the replay string was made`));
    expect(changed.err).not.toMatch(/\n\s+at /);

    const arch = readFileSync(ARCH, 'utf8');
    appendFileSync(ARCH, '# edited\n');
    const archChanged = cli('replay', replay);
    writeFileSync(ARCH, arch);
    expect(archChanged.code).toBe(2);
    expect(archChanged.err).toMatch(/archfile: ".*power.yaml" has changed since the replay string was made/);

    expect(cli('replay', replay).code).toBe(1); // restored: reproduces again
  });

  it('replay: a design whose switch is in a file it imports records that file too (importssha256=), and a changed helper is refused', () => {
    const r = cli('explore', '--design-file', SPLIT, ...SMALL, '--json');
    expect(r.code, r.err).toBe(1);
    const str: string = JSON.parse(r.out).violations[0].replay;
    expect(str).toMatch(/ designsha256=[0-9a-f]{16} importssha256=[0-9a-f]{16} /);
    expect(cli('replay', str).code).toBe(1);
    const text = readFileSync(HELPER, 'utf8');
    appendFileSync(HELPER, '// edited\n');
    const changed = cli('replay', str);
    writeFileSync(HELPER, text);
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(/importssha256: ".*split\.ts" has changed since the replay string was made: the SHA-256 of the files it imports \(split-switch\.ts\) now begins [0-9a-f]{16}/);
    expect(changed.err).not.toMatch(/\n\s+at /);
    // The single-file design's string carries no importssha256=.
    expect(replay).not.toContain('importssha256=');
  });

  it('replay-trace: a real trace through both designs on the user architecture', () => {
    const r = cli('replay-trace', TRACE, '--arch', ARCH, '--design-file', GOOD, BAD, '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    const by = Object.fromEntries(doc.results.map((x: any) => [x.design, x]));
    expect(by['skip-unused-units'].arch).toBe('my-power');
    expect(by['skip-unused-units'].violations).toEqual([]);
    expect(by['never-saves'].violations.length).toBeGreaterThan(0);
  });

  it('explain FILE --design-file: the user designs beside the built-ins, the PowerPC ones among them', () => {
    const r = cli('explain', ARCH, '--design-file', GOOD, BAD, '--time', '100ms', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.arch).toBe('my-power');
    const by = Object.fromEntries(doc.designs.map((x: any) => [x.design, x]));
    expect(by['skip-unused-units'].correct).toBe(true);
    expect(by['never-saves'].correct).toBe(false);
    // The seed's design and the PowerPC port as merged: taken by what my-power is.
    expect(by['ppc-asm-exit-switch']).toBeDefined();
    expect(by['ppc-full-save-on-sched-paths'].correct).toBe(true);
    expect(by['power-giveup-loadfp']).toBeDefined();
  });

  it('conformance --design-file --arch FILE: the correct design passes, the broken one fails (exit 1)', () => {
    const ok = cli('conformance', '--design-file', GOOD, '--arch', ARCH, '--json');
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.out);
    expect(doc.passed).toBe(true);
    expect(doc.checks.every((c: any) => c.arch === 'my-power')).toBe(true);
    const bad = cli('conformance', '--design-file', BAD, '--arch', ARCH);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAIL/);
  });

  it('mutants --design-file --arch FILE: the broken design caught by the random driver and the explorer; the correct one escapes (exit 1)', () => {
    const r = cli('mutants', '--design-file', BAD, GOOD, '--arch', ARCH, '--time', '100ms', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    const by = Object.fromEntries(doc.mutants.map((x: any) => [x.name, x]));
    expect(by['never-saves']).toMatchObject({ arch: 'my-power', caught: true, explored: { caught: true } });
    expect(by['never-saves'].explored.replay).toContain(`designfile=${BAD}`);
    expect(by['skip-unused-units'].caught).toBe(false);
    expect(doc.score).toBe(0.5);
  });

  it('bad input: exit 2, the flag named, no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['explore', '--design-file', join(dir, 'missing.ts')], /--design-file: no such file/],
      [['explore', '--design', 'eager', '--design-file', GOOD], /give one of them/],
      [['explore', '--arch', join(dir, 'missing.yaml')], /--arch: cannot read architecture file/],
      [['mutants', '--arch', ARCH], /--arch: the architecture of --design-file mutants/],
      [['replay', replay.replace(/designsha256=[0-9a-f]+/, 'designsha256=xyz')], /designsha256=xyz is not 16 hex digits/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
