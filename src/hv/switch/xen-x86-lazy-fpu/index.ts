export { xenX86LazyFpu, saveLazyFpu, loadLazyFpu, saveDirtiedUnits, vcpuSaveFpu, vcpuRestoreFpuEager, nonlazyMask } from './xen-x86-lazy-fpu.ts';
