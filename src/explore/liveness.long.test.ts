/**
 * Non-progress cycles on explored graphs (explore/liveness.ts; the hand-made ones are in
 * liveness.test.ts): the unreduced search of the small configuration records every transition,
 * and a correct design has no non-progress cycle; the CLI reports that it looked.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { explore } from './explorer.ts';
import { resolveSpec, SMALL_SPEC } from './model.ts';

const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;

describe('non-progress cycles, explored', () => {
  it('xen-x86-lazy has none: every transition of the unreduced search recorded and judged', () => {
    const r = explore(resolveSpec(SMALL_SPEC), { reduction: false, liveness: true });
    expect(r.complete).toBe(true);
    expect(r.liveness).toEqual({ checked: true, transitions: r.transitions, found: false });
    expect(r.violations).toEqual([]);
  });

  it('explore says it looked (on the ratio run), as text and JSON', () => {
    const args = ['explore', '--domains', 'int*2', '--no-control', '--ops', 'hypercall,block'];
    const j = JSON.parse(spawnSync(process.execPath, [BIN, ...args, '--json'], { encoding: 'utf8' }).stdout);
    expect(j.liveness).toEqual({ checked: true, transitions: j.unreduced.transitions, found: false });
    const t = spawnSync(process.execPath, [BIN, ...args, '--no-ratio'], { encoding: 'utf8' }).stdout;
    expect(t).toContain('non-progress cycles: not looked for — they need the unreduced search (drop --no-ratio)');
  });
});
