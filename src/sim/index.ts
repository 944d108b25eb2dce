/** @module sim: the composition root — build a run, the pure step, the random driver, one run. */
export * from './choice.ts';
export * from './build.ts';
export * from './step.ts';
export * from './driver.ts';
export * from './run.ts';
export * from './replay.ts';
