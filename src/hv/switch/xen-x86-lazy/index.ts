export { xenX86Lazy, fullSwitch, loadSegments, lazyContextSwitch, lazySyncLocal } from './xen-x86-lazy.ts';
