export { xenX86LazyFpu, saveLazyFpu, loadLazyFpu, saveDirtiedUnits } from './xen-x86-lazy-fpu.ts';
