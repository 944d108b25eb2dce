/** @module report: turns results into tables, paragraphs and JSON documents. Shared by cli and web. */
export * from './table.ts';
export * from './run-report.ts';
