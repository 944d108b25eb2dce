/**
 * The real traces live in ../shared/data/traces beside the repository (CI has it; a user's clone
 * does not). Tests on them go through `describeTraces`: where the files are there, an ordinary
 * `describe`; where they are not, the suite is one skipped test whose note says what was not run
 * and why (printed by the plain summary reporter, one line each) — never a failure, never a suite
 * silently not collected. With LAZYSWITCH_REQUIRE_SHARED=1 (.ci/run's in-place pass) a missing
 * file is a failure instead, so CI cannot pass without having run them.
 *
 * Everything else a test needs lives in the repository (test/fixtures/).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');
export const TRACES_DIR = join(SHARED_DIR, 'data/traces');
export const FIXTURE_TRACES_DIR = join(REPO_ROOT, 'test/fixtures/traces');

/** The path of a real trace in ../shared/data/traces (whether or not it is there). */
export const tracePath = (name: string): string => join(TRACES_DIR, name);
export const hasTrace = (name: string): boolean => existsSync(tracePath(name));

export const REQUIRE_SHARED = process.env.LAZYSWITCH_REQUIRE_SHARED === '1';

/** Why a suite on `files` cannot run here, or null when every file is present. */
export function missingTraces(files: readonly string[]): string | null {
  const missing = files.filter((f) => !hasTrace(f));
  if (missing.length === 0) return null;
  return `needs ${missing.join(', ')} from ../shared/data/traces, which is not beside the repository (${TRACES_DIR})`;
}

/**
 * `describe(title, body)` when every trace in `files` is in ../shared/data/traces; otherwise `body`
 * is not evaluated (it may read the files at collection) and the suite is one skipped test
 * saying so.
 */
export function describeTraces(title: string, files: readonly string[], body: () => void): void {
  describeUnless(title, missingTraces(files), REQUIRE_SHARED ? 'LAZYSWITCH_REQUIRE_SHARED=1' : null, body);
}

/**
 * `describe(title, body)` when `whyNot` is null; otherwise `body` is not evaluated and the suite is
 * one skipped test whose note is `whyNot` — or, when `required` names the setting that demands
 * the suite, one failing test.
 */
export function describeUnless(title: string, whyNot: string | null, required: string | null, body: () => void): void {
  if (whyNot === null) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    if (required) {
      it(`runs (${required})`, () => {
        throw new Error(`not run: ${whyNot}`);
      });
    } else {
      it('not run here', (ctx) => ctx.skip(whyNot));
    }
  });
}
