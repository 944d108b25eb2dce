/**
 * A deliberately broken design, kept in the tests: Xen x86's lazy switch without the pull
 * (no flush IPI to next's dirty pcpu before loading it — the bug 1088bc0f6d fixed, "If
 * required, context_switch() must pull state off of old CPU"). The checker MUST report it.
 */
import type { SwitchDesign } from '../../src/hv/index.ts';
import { xenX86Lazy } from '../../src/hv/switch/xen-x86-lazy/index.ts';

export const lazyNoPull: SwitchDesign = {
  ...xenX86Lazy,
  name: 'broken-lazy-no-pull',
  summary: 'xen-x86-lazy without pulling next\'s state off its dirty pcpu (pre-1088bc0f6d)',
  cites: ['the bug fixed by 1088bc0f6d (2006-01-07)'],
  dirtyElsewhere: undefined,
};
export default lazyNoPull;
