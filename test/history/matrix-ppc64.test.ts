import { runMatrixCase } from './matrix.case.ts';

// Columns: 2005-08, 2006-01-06, 2006-01-07.
runMatrixCase('ppc64', {
  eager: ['ok', 'ok', 'ok'],
  'xen-x86-lazy': ['ok', 'ok', 'ok'],
  'ppc-full-save-on-sched-paths': ['ok', 'ok', 'ok'],
  // The seed's design: prev is touchable once context_switch() returns (2005-08), while its
  // nonvolatiles still sit in C frames; context_switch_done() from the exit path fixes it.
  'ppc-asm-exit-switch': ['inv3', 'ok', 'ok'],
  'per-vcpu-stack': ['ok', 'ok', 'ok'],
  // The what-if: the nonvolatiles stay in C frames, but on the vcpu's own stack, which no switch resets.
  'per-vcpu-stack-volatile-entry': ['ok', 'ok', 'ok'],
  'ppc-switch-in-routine': ['inv3', 'inv3', 'inv3'],
  'ppc-naive-volatile': ['inv3', 'inv3', 'inv3'],
  'fpu-eager': ['ok', 'ok', 'ok'],
  'xen-x86-lazy-fpu': ['ok', 'ok', 'ok'],
  'linux-x86-deferred': ['ok', 'ok', 'ok'],
  'power-giveup-loadfp': ['ok', 'ok', 'ok'],
  adaptive: ['ok', 'ok', 'ok'],
  // No pull: fine while vcpus move only when paused; today a scheduler takes a vcpu another pcpu holds.
  'xen-x86-lazy-2005': ['ok', 'ok', 'inv6'],
});
