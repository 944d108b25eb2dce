import { describe, expect, it } from 'vitest';
import { getDesign } from '../hv/index.ts';
import { SMALL_SPEC, everySpec, expectation, exploreEvery } from './index.ts';

describe('every design on the small configuration (explore --design all)', () => {
  it('runs each design on its first architecture, with guests that use its units', () => {
    expect(everySpec(getDesign('xen-x86-lazy'))).toMatchObject({ ...SMALL_SPEC, design: 'xen-x86-lazy', arch: 'x86-64', domains: 'int*2' });
    expect(everySpec(getDesign('ppc-asm-exit-switch'))?.arch).toBe('ppc64');
    expect(everySpec(getDesign('arm64-foreign-fpstate'))).toMatchObject({ arch: 'arm64', domains: 'fp*2' });
    expect(everySpec(getDesign('xen-x86-lazy-fpu'))?.domains).toBe('fp*2');
    expect(everySpec(getDesign('ppc-asm-exit-switch'), { arch: 'x86-64' })).toBeNull();
    expect(everySpec(getDesign('eager'), { arch: 'riscv64', domains: 'int*3' })).toMatchObject({ arch: 'riscv64', domains: 'int*3' });
    expect(expectation(getDesign('ppc-naive-volatile'), '2006-01-07')).toBe('broken');
    expect(expectation(getDesign('xen-x86-lazy-2005'), '2006-01-07')).toBe('other-contract');
    expect(expectation(getDesign('xen-x86-lazy-2005'), '2005-08')).toBe('correct');
    // Under an older contract a design with its own older form runs as that form, and says so.
    const [old] = exploreEvery({ contract: '2005-08' }, { maxStates: 200 }, undefined, ['xen-x86-lazy']);
    expect(old).toMatchObject({ design: 'xen-x86-lazy', form: 'xen-x86-lazy-2005', expected: 'correct' });
    expect(exploreEvery({}, { maxStates: 200 }, undefined, ['xen-x86-lazy'])[0].form).toBeNull();
  });
  // The exhaustive bar (every correct design to completion, every broken one caught) is in
  // every.long.test.ts: `npm run test:long`.
});
