export { xenX86Lazy, fullSwitch, loadSegments } from './xen-x86-lazy.ts';
