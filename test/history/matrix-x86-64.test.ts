import { runMatrixCase } from './matrix.case.ts';

// Columns: 2005-08, 2006-01-06, 2006-01-07.
runMatrixCase('x86-64', {
  eager: ['ok', 'ok', 'ok'],
  'xen-x86-lazy': ['ok', 'ok', 'ok'],
  'per-vcpu-stack': ['ok', 'ok', 'ok'],
  // The what-if: the nonvolatiles stay in C frames, but on the vcpu's own stack, which no switch resets.
  'per-vcpu-stack-volatile-entry': ['ok', 'ok', 'ok'],
  'fpu-eager': ['ok', 'ok', 'ok'],
  'xen-x86-lazy-fpu': ['ok', 'ok', 'ok'],
  'linux-x86-deferred': ['ok', 'ok', 'ok'],
  'sel4-rfc18': ['ok', 'ok', 'ok'],
  adaptive: ['ok', 'ok', 'ok'],
  // No pull: fine while vcpus move only when paused; today a scheduler takes a vcpu another pcpu holds.
  'xen-x86-lazy-2005': ['ok', 'ok', 'inv6'],
});
