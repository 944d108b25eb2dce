/** @module report/html: the self-contained HTML report of `lazyswitch run --report`. */
export * from './report.ts';
export * from './derive.ts';
