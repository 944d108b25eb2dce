#!/usr/bin/env node
// `npm run bench`: bundle the benchmark (and the model it measures) into one ES module with
// esbuild, then run it with plain node. Speed is measured on the compiled model, as a user who
// installs a built lazyswitch would run it, not through tsx's per-module loader, whose re-export
// getters alone cost about 40% on the simulator's hot path. The explorer's child process
// (bench/explore-child.ts: one explore run whose peak RSS is measured) is bundled beside it.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules', '.cache', 'lazyswitch-bench');
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { bench: join(root, 'bench', 'main.ts'), 'explore-child': join(root, 'bench', 'explore-child.ts') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  // Keep `import.meta.url`-relative paths (real traces) working from the bundle's location.
  define: { 'import.meta.dirname': JSON.stringify(join(root, 'bench')) },
});
// bench/main.ts spawns this bundle (from the sources through tsx when run without this script).
process.env.LAZYSWITCH_BENCH_CHILD = join(outdir, 'explore-child.mjs');
// Resolve bare imports (yaml, zod, …) from the project: the bundle sits inside node_modules/.cache.
await import(pathToFileURL(join(outdir, 'bench.mjs')).href);
