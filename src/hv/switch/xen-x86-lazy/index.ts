export { xenX86Lazy, fullSwitch, loadSegments, lazyContextSwitch, lazySyncLocal, type UnitSwitch } from './xen-x86-lazy.ts';
