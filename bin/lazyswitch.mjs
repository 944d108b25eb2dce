#!/usr/bin/env node
// The lazyswitch CLI. It runs from one ES module bundled from the TypeScript sources with
// esbuild (cached in node_modules/.cache/lazyswitch-cli, rebuilt when any source file is newer
// than it), or — when esbuild is not installed (npm ci --omit=dev) or the build fails — from the
// sources through tsx's loader, which then reports any error in them. Why bundle: tsx
// transpiles every module on each start (about 2 s here, against 0.5 s for the bundle — the
// test suite starts the CLI many times), and the bundle is what `npm run bench` measures.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const entry = join(src, 'cli', 'main.ts');
const outdir = join(root, 'node_modules', '.cache', 'lazyswitch-cli');
const outfile = join(outdir, 'main.mjs');
process.env.LAZYSWITCH_MAIN = '1';

/** The newest modification time of the sources the bundle is built from (and of this file). */
function newestSource(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (/\.(ts|json)$/.test(e.name) && !e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** A file's modification time, 0 when it does not exist (no bundle yet; no lock file in an installed copy). */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

async function bundled() {
  const newest = Math.max(newestSource(src), mtime(fileURLToPath(import.meta.url)), mtime(join(root, 'package-lock.json')));
  if (mtime(outfile) > newest) return outfile;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return null;
  }
  mkdirSync(outdir, { recursive: true });
  // Build beside the bundle, then rename over it: CLIs started together (the test suite) never
  // import a half-written file.
  const tmp = join(outdir, `main.${process.pid}.mjs`);
  try {
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: tmp,
      logLevel: 'silent',
      // The CLI finds its sources beside main.ts (the web UI that `view` bundles).
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
    });
    renameSync(tmp, outfile);
    return outfile;
  } catch {
    return null;
  }
}

const file = await bundled();
// Without the bundle the sources run through tsx's loader. Users' design files (--design-file,
// a replay string naming one) need it too: src/cli/design-file.ts registers it when it loads
// the first one, unless it is registered here already (the flag says so).
if (!file) {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis[Symbol.for('lazyswitch.tsx')] = true;
}
// `run`'s worker threads start this same bundle (src/cli/run-pool.ts); without one, cells run in one thread.
if (file) process.env.LAZYSWITCH_BUNDLE = file;
await import(file ? pathToFileURL(file).href : '../src/cli/main.ts');
