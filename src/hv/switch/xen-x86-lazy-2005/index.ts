export { xenX86Lazy2005 } from './xen-x86-lazy-2005.ts';
