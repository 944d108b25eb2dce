export { xenX86LazyFpu, saveLazyFpu, loadLazyFpu } from './xen-x86-lazy-fpu.ts';
