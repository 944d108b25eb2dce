/**
 * @module cli/design-imports: the user's own files a design file imports, so that a replay
 * string can record them too (importssha256=): a design split into `my-design.ts` and
 * `./helpers.ts` replays only if both are as they were.
 *
 * Found by reading the sources, not by watching the loader: every `import … from '…'`,
 * `export … from '…'`, `import '…'` and `import('…')` with a literal relative or absolute
 * specifier, followed file by file. Resolved as tsx resolves them: the name as written, then
 * with .ts/.mts/.tsx/.js/.mjs added, a `.js` name also as `.ts` (TypeScript's convention), a
 * directory by its index file. Not followed: bare names (`lazyswitch`, packages — the CLI and
 * its node_modules are what runs the design, not part of it), files in node_modules, and this
 * package's own src/ (the model itself). Imports whose specifier is computed at run time are not
 * seen; the README says so.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECIFIERS = [
  /\b(?:import|export)\s[^'"`;]*?\sfrom\s*(['"])([^'"\n]+)\1/g, // import x from '…', export { y } from '…'
  /\bimport\s*(['"])([^'"\n]+)\1/g, // import '…'
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g, // import('…')
];
const EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs'];

/** This package's own sources: a design that imports them imports the model, which is not hashed. */
const OWN_SRC = resolve(dirname(fileURLToPath(new URL('../../package.json', import.meta.url))), 'src') + sep;

/** Strip comments so that a commented-out import is not followed (strings are kept: specifiers are strings). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"\\])\/\/[^\n]*/g, '$1');
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/** Where `spec`, imported from `from`, resolves to on disk; undefined when it is not a local file. */
function resolveLocal(spec: string, from: string): string | undefined {
  if (!(spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec) || spec.startsWith('file:'))) return undefined;
  const base = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(dirname(from), spec);
  const tries = [base, ...EXTENSIONS.map((e) => base + e)];
  if (/\.m?js$/.test(base)) tries.push(base.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts'));
  tries.push(...EXTENSIONS.map((e) => join(base, `index${e}`)));
  return tries.find(isFile);
}

/**
 * The local files `file` imports, directly or through each other, absolute and sorted; the file
 * itself is not among them.
 */
export function localImports(file: string): string[] {
  const root = resolve(file);
  const seen = new Set<string>([root]);
  const todo = [root];
  while (todo.length) {
    const f = todo.pop()!;
    let text: string;
    try {
      text = stripComments(readFileSync(f, 'utf8'));
    } catch {
      continue; // unreadable: the loader reports it when it imports the file
    }
    for (const re of SPECIFIERS) {
      for (const m of text.matchAll(re)) {
        const p = resolveLocal(m[2], f);
        if (!p || seen.has(p) || p.includes(`${sep}node_modules${sep}`) || p.startsWith(OWN_SRC)) continue;
        seen.add(p);
        todo.push(p);
      }
    }
  }
  seen.delete(root);
  return [...seen].sort();
}

/**
 * The first 16 hex digits of one SHA-256 over the imported files (each its path relative to the
 * design file's directory, a NUL, its bytes, a NUL), or undefined when the design imports no local
 * file — then a replay string carries only designsha256=, as before.
 */
export function importsSha256(file: string): string | undefined {
  const files = localImports(file);
  if (!files.length) return undefined;
  const h = createHash('sha256');
  const dir = dirname(resolve(file));
  for (const f of files) h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}
