/**
 * Shared by the browser tests: launch Debian's chromium through playwright-core, headless, and
 * the folder where screenshots are kept as test artifacts (gitignored). If chromium is missing,
 * each browser suite is one skipped test whose note (printed by the plain summary reporter) says
 * what was not run and how to install chromium — never a silent pass. .ci/run installs it and sets
 * LAZYSWITCH_REQUIRE_CHROMIUM=1, under which a missing chromium is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { describeUnless } from '../shared-data.ts';

export const CHROMIUM = process.env.LAZYSWITCH_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
export const BIN = new URL('../../bin/lazyswitch.mjs', import.meta.url).pathname;
export const VIEWPORT = { width: 1280, height: 800 };

const MISSING =
  `the browser tests need Debian's chromium at ${CHROMIUM}, which is missing: install it with ` +
  '`apt-get update && apt-get install -y chromium` (.ci/run does this before npm test), or point LAZYSWITCH_CHROMIUM at a chromium binary';

/** `describe(title, body)` where chromium is installed; else one skipped test saying what was not run and how to get chromium. */
export function describeBrowser(title: string, body: () => void): void {
  describeUnless(title, existsSync(CHROMIUM) ? null : MISSING, process.env.LAZYSWITCH_REQUIRE_CHROMIUM === '1' ? 'LAZYSWITCH_REQUIRE_CHROMIUM=1' : null, body);
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Start `lazyswitch <args>` and resolve with the first stdout line matching `ready` (rejects on exit or timeout). */
export function startCli(args: string[], ready: RegExp, timeoutMs = 90_000): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`lazyswitch ${args.join(' ')}: no "${ready}" within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lazyswitch ${args.join(' ')} exited with ${code} before it was ready; stdout: ${out} stderr: ${err}`));
    });
  });
}
