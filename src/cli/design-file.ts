/**
 * @module cli/design-file: load a user's switch design from a TypeScript or JavaScript file
 * (`--design-file ./my-design.ts`). The file exports the design as `default` or as `design`.
 * Whatever it exports is checked for the SwitchDesign shape before it reaches the simulator;
 * anything else is an InputError naming the file and the missing or mistyped member.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, type InputIssue } from '../base/index.ts';
import { importsSha256 } from './design-imports.ts';
import type { SwitchDesign } from '../hv/index.ts';

const FUNCTIONS_REQUIRED = ['supports', 'entrySaves', 'contextSwitch'] as const;
const FUNCTIONS_OPTIONAL = ['dirtyElsewhere', 'syncLocal', 'serveDeferredSync', 'exitToGuest', 'tail', 'savedValue'] as const;

export function validateDesign(x: unknown, source: string): SwitchDesign {
  const issues: InputIssue[] = [];
  if (typeof x !== 'object' || x === null) throw new InputError(source, [{ where: 'export', message: 'expected `export default { name, summary, cites, supports, entrySaves, contextSwitch, … }` or `export const design = …`' }]);
  const d = x as Record<string, unknown>;
  if (typeof d.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(d.name)) issues.push({ where: 'name', message: 'a lower-case name such as "my-design"' });
  if (typeof d.summary !== 'string' || !d.summary) issues.push({ where: 'summary', message: 'one line describing the design' });
  if (!Array.isArray(d.cites) || !d.cites.every((c) => typeof c === 'string')) issues.push({ where: 'cites', message: 'an array of strings: the code the design models' });
  for (const f of FUNCTIONS_REQUIRED) if (typeof d[f] !== 'function') issues.push({ where: f, message: 'a function (required)' });
  for (const f of FUNCTIONS_OPTIONAL) if (d[f] !== undefined && typeof d[f] !== 'function') issues.push({ where: f, message: 'a function, when given' });
  if (d.stack !== undefined && d.stack !== 'per-pcpu' && d.stack !== 'per-vcpu') issues.push({ where: 'stack', message: '"per-pcpu" or "per-vcpu"' });
  if (issues.length) throw new InputError(source, issues);
  return d as unknown as SwitchDesign;
}

/**
 * Why a design file did not load, for the user. A syntax error from the TypeScript transform
 * (esbuild: "Transform failed with 1 error:\nFILE:LINE:COL: ERROR: TEXT") names its line and
 * column; anything else gives its first line.
 */
function loadIssue(e: unknown): InputIssue {
  const text = e instanceof Error ? e.message : String(e);
  const errors = [...text.matchAll(/:(\d+):(\d+): ERROR: (.*)/g)];
  if (errors.length) return { where: `line ${errors[0][1]}, column ${errors[0][2]}`, message: errors.map((m, i) => (i ? `line ${m[1]}, column ${m[2]}: ` : '') + m[3]).join('; ') };
  return { where: '(module)', message: `cannot load it: ${text.split('\n')[0]}` };
}

/** The first 16 hex digits (64 bits) of a file's SHA-256: what a replay string records of a user's file. */
export function fileSha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

let loaderReady = false;

/**
 * Make `import()` of a user's file work wherever the file is: tsx's loader (TypeScript), unless
 * bin/lazyswitch.mjs registered it already to run the sources, then ./user-file-hooks.mjs after
 * it, so its hooks run first: 'lazyswitch' resolves to this package (its "exports"), and a file
 * outside any package that names a "type" loads as an ES module (see that file).
 */
async function ensureLoader(): Promise<void> {
  if (loaderReady) return;
  const flag = Symbol.for('lazyswitch.tsx');
  const g = globalThis as unknown as Record<symbol, unknown>;
  if (!g[flag]) {
    const { register } = await import('tsx/esm/api');
    register();
    g[flag] = true;
  }
  // import.meta.url is src/cli/main.ts's in the bundle (bin/lazyswitch.mjs), this file's from the sources: both in src/cli/.
  registerHooks(new URL('./user-file-hooks.mjs', import.meta.url).href);
  loaderReady = true;
}

/**
 * A user's design file, loaded: the design, the file's absolute path, its SHA-256 prefix
 * (fileSha256) and, when it imports files of the user's own, one over those (design-imports).
 */
export interface LoadedDesignFile {
  design: SwitchDesign;
  path: string;
  sha256: string;
  importsSha256?: string;
}

export async function loadDesignFile(file: string, flag = '--design-file'): Promise<SwitchDesign> {
  return (await loadDesignFileHashed(file, flag)).design;
}

export async function loadDesignFileHashed(file: string, flag = '--design-file'): Promise<LoadedDesignFile> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InputError(flag, [{ where: flag, message: `no such file "${file}"` }]);
  const sha256 = fileSha256(readFileSync(path));
  const imports = importsSha256(path);
  let mod: Record<string, unknown>;
  try {
    await ensureLoader();
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(file, [loadIssue(e)]);
  }
  const x = mod.default ?? mod.design;
  if (x === undefined) throw new InputError(file, [{ where: 'export', message: `exports ${Object.keys(mod).join(', ') || 'nothing'}; expected a default export or \`export const design\`` }]);
  return { design: validateDesign(x, file), path, sha256, ...(imports !== undefined ? { importsSha256: imports } : {}) };
}
