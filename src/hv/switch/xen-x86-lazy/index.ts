export { xenX86Lazy, fullSwitch } from './xen-x86-lazy.ts';
