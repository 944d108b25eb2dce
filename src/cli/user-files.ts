/**
 * @module cli/user-files: a user's architecture file and design file as the explorer's spec
 * names them (explore/model ExploreSpec: archFile/archSha256, designFile/designSha256) — loaded
 * for `explore`, and loaded again and checked for `replay`: a replay string names each file by
 * its absolute path and the first 16 hex digits of its SHA-256, and a file that no longer
 * hashes so is refused (exit 2), since its replay would not be the run the string records.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { InputError } from '../base/index.ts';
import { loadArchText, type Arch } from '../arch/index.ts';
import type { ExploreSpec, UserFiles } from '../explore/index.ts';
import { fileSha256, loadDesignFileHashed, type LoadedDesignFile } from './design-file.ts';
import { importsSha256, localImports } from './design-imports.ts';

/** Whether an --arch value names a file rather than a built-in: a .yaml/.yml/.json name, or any path with a slash. */
export function isArchFile(value: string): boolean {
  return /\.(ya?ml|json)$/i.test(value) || value.includes('/');
}

export interface LoadedArchFile {
  arch: Arch;
  path: string;
  sha256: string;
}

/** Read and compile an architecture file; `flag` is what a failure is blamed on (--arch, or the replay string's archfile=). */
export function loadArchFile(value: string, flag = '--arch'): LoadedArchFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(value);
  } catch (e) {
    throw new InputError(flag, [{ where: flag, message: `cannot read architecture file "${value}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return { arch: loadArchText(bytes.toString('utf8'), value), path: resolve(value), sha256: fileSha256(bytes) };
}

/** The spec's fields for a loaded design file, and for a loaded architecture file. */
export const designFileSpec = (d: LoadedDesignFile): Pick<ExploreSpec, 'design' | 'designFile' | 'designSha256' | 'importsSha256'> => ({ design: d.design.name, designFile: d.path, designSha256: d.sha256, ...(d.importsSha256 !== undefined ? { importsSha256: d.importsSha256 } : {}) });
export const archFileSpec = (a: LoadedArchFile): Pick<ExploreSpec, 'arch' | 'archFile' | 'archSha256'> => ({ arch: a.arch.name, archFile: a.path, archSha256: a.sha256 });

function changed(key: string, path: string, now: string, then: string, what = 'its SHA-256'): InputError {
  return new InputError('replay', [{ where: key, message: `"${path}" has changed since the replay string was made: ${what} now begins ${now}, the string records ${then}. Restore the file as it was, or explore again for a new string` }]);
}

/**
 * Load the user files a replay string's spec names (designfile=, archfile=), each checked
 * against the hash the string records, and check the names they give against design= and arch=.
 */
export async function loadReplayFiles(spec: ExploreSpec): Promise<UserFiles> {
  const files: UserFiles = {};
  if (spec.archFile !== undefined) {
    const a = loadArchFile(spec.archFile, 'archfile');
    if (spec.archSha256 !== undefined && a.sha256 !== spec.archSha256) throw changed('archfile', a.path, a.sha256, spec.archSha256);
    files.arch = a.arch;
  }
  if (spec.designFile !== undefined) {
    // Hashed before it is imported: a changed file is refused without running any of it.
    let bytes: Buffer;
    try {
      bytes = readFileSync(spec.designFile);
    } catch (e) {
      throw new InputError('replay', [{ where: 'designfile', message: `cannot read design file "${spec.designFile}": ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
    }
    const now = fileSha256(bytes);
    if (spec.designSha256 !== undefined && now !== spec.designSha256) throw changed('designfile', spec.designFile, now, spec.designSha256);
    // The files it imports (a string made before importssha256= existed names none: not checked).
    if (spec.importsSha256 !== undefined) {
      const imp = importsSha256(spec.designFile) ?? 'nothing (it imports no file of its own now)';
      if (imp !== spec.importsSha256) throw changed('importssha256', spec.designFile, imp, spec.importsSha256, `the SHA-256 of the files it imports (${localImports(spec.designFile).map((f) => relative(dirname(spec.designFile!), f)).join(', ') || 'none'})`);
    }
    const d = await loadDesignFileHashed(spec.designFile, 'designfile');
    if (d.design.name !== spec.design) throw new InputError('replay', [{ where: 'designfile', message: `"${spec.designFile}" exports the design "${d.design.name}", the string names design=${spec.design}` }]);
    files.design = d.design;
  }
  return files;
}
