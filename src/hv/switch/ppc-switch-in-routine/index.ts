export { ppcSwitchInRoutine } from './ppc-switch-in-routine.ts';
