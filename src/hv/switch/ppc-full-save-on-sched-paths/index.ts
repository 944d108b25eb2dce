export { ppcFullSaveOnSchedPaths } from './ppc-full-save-on-sched-paths.ts';
