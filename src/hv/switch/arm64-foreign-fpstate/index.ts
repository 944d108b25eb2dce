export { arm64ForeignFpstate, arm64Units, tifSve, fpstateLive } from './arm64-foreign-fpstate.ts';
