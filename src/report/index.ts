/** @module report: turns results into tables, paragraphs and JSON documents. Shared by cli and web. */
export * from './table.ts';
export * from './run-report.ts';
export * from './timeline.ts';
export * from './perfetto.ts';
export * from './ftrace-text.ts';
export * from './trace-event-check.ts';
export * from './replay-report.ts';
export * from './explain.ts';
export * from './contract-matrix.ts';
