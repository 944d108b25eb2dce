/**
 * A vitest reporter that ends the run with the plain closing line CI reads in any language:
 * "N passed, N failed" (", N skipped" when some were); a test file that fails to load, a suite
 * whose hook fails and an unhandled error each count as one failure. Before it, one line per note
 * of the tests skipped with one (`ctx.skip(note)`: why they were not run — the real traces of
 * ../shared, chromium), naming them.
 * With LAZYSWITCH_SUMMARY_FILE set it also appends "passed failed skipped" to that file, so that
 * .ci/run can close its log with the total of its several runs.
 */
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    const notes = new Map<string, string[]>(); // note → the tests skipped with it
    for (const m of modules) {
      if (m.errors().length) failed++;
      for (const suite of m.children.allSuites()) if (suite.errors().length) failed++;
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failed++;
        else {
          skipped++;
          if (r.state === 'skipped' && r.note) notes.set(r.note, [...(notes.get(r.note) ?? []), `${relative(process.cwd(), m.moduleId)} > ${t.fullName.replace(/ > not run here$/, '')}`]);
        }
      }
    }
    if (notes.size) process.stdout.write(`\n${[...notes].map(([note, tests]) => `skipped: ${tests.join('; ')} — ${note}`).join('\n')}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    if (process.env.LAZYSWITCH_SUMMARY_FILE) appendFileSync(process.env.LAZYSWITCH_SUMMARY_FILE, `${passed} ${failed} ${skipped}\n`);
  }
}
