// Module hooks for users' design files (registered by src/cli/design-file.ts with
// module.register, after tsx's, so these run first and hand on to tsx's and Node's own).
//
// 1. `import { … } from 'lazyswitch'` (or 'lazyswitch/…') from any file, wherever it lives: a
//    file in /tmp has no node_modules/lazyswitch above it, so the bare name would not resolve.
//    It is resolved as a self-reference from this package's own package.json, i.e. through its
//    "exports" map (src/index.ts, run by tsx) — always the running CLI's own copy, so the design
//    is written against the model it is run by, whatever else is installed near the file.
// 2. A user's file is loaded as an ES module wherever it is. Outside a package that says
//    "type": "module", Node (and tsx) take a .ts/.js file for CommonJS; it then require()s the
//    ES-module sources of lazyswitch, which Node refuses ("Cannot require() ES Module … in a
//    cycle"). A .ts/.tsx/.js file outside node_modules whose nearest package.json does not
//    name a "type" (or that has none) is taken as an ES module; a package that says
//    "type": "commonjs", and .cjs/.cts files, keep their CommonJS.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url).href;

/** The "type" field of the nearest package.json above a file, or undefined when there is none (or it names none). */
function packageType(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const t = JSON.parse(readFileSync(p, 'utf8')).type;
        return typeof t === 'string' ? t : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'lazyswitch' || specifier.startsWith('lazyswitch/')) return nextResolve(specifier, { ...context, parentURL: PACKAGE_JSON });
  const r = await nextResolve(specifier, context);
  if (r.url.startsWith('file:') && (r.format === 'commonjs' || r.format === 'commonjs-typescript' || r.format == null)) {
    // A file imported from a user's file that tsx took for CommonJS comes back with tsx's own
    // query (…%3Ftsx-commonjs-export-preparse=1?…) asking its loader to pre-parse CommonJS
    // exports; as an ES module it needs the plain file URL.
    const url = r.url.replace(/(%3F|\?)tsx-commonjs-.*$/, '');
    const file = fileURLToPath(url);
    if (/\.(m?[jt]s|tsx)$/.test(file) && !/[\\/]node_modules[\\/]/.test(file) && packageType(file) === undefined) return { ...r, url, format: 'module' };
  }
  return r;
}
