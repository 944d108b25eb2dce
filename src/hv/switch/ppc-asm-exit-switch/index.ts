export { ppcAsmExitSwitch } from './ppc-asm-exit-switch.ts';
