export { linuxX86Deferred } from './linux-x86-deferred.ts';
