/**
 * The layering rules of README "Layout" and style.md §8, checked on the sources: a folder imports
 * only folders of its own layer or below; nothing outside src/cli imports node:* or reads the
 * clock or Math.random (the model is deterministic and does no I/O). Tests are exempt.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;

/** Layer of each top-level folder of src/: an import may only go to the same or a lower number. */
const LAYER: Record<string, number> = {
  base: 0,
  arch: 1,
  machine: 1,
  guest: 2,
  hv: 3,
  scenario: 3,
  check: 4,
  trace: 4,
  sim: 5,
  mutants: 6,
  conformance: 6,
  explore: 7,
  history: 8,
  report: 9,
  web: 10,
  cli: 11,
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.case.ts')) out.push(p);
  }
  return out;
}

const files = sources(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, 'utf8') }));
const folderOf = (rel: string) => rel.split('/')[0];

describe('layers', () => {
  it('every top-level folder has a layer', () => {
    for (const f of files) if (f.path.includes('/')) expect(LAYER[folderOf(f.path)], f.path).toBeTypeOf('number');
  });

  it('no folder imports a higher layer', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (!f.path.includes('/')) continue; // src/index.ts: the package's public surface
      const from = folderOf(f.path);
      for (const m of f.text.matchAll(/from '((?:\.\.\/)+)([a-z-]+)\//g)) {
        const depth = f.path.split('/').length - 1;
        if (m[1].length / 3 !== depth) continue; // a sibling inside the same folder
        const to = m[2];
        if (LAYER[to] > LAYER[from]) bad.push(`${f.path} imports ${to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('nothing outside src/cli imports node:*, reads the clock or draws Math.random', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (folderOf(f.path) === 'cli') continue;
      const code = f.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      if (/from 'node:/.test(code)) bad.push(`${f.path}: node:*`);
      if (/Math\.random|Date\.now|performance\.now|new Date\(/.test(code)) bad.push(`${f.path}: clock or Math.random`);
    }
    expect(bad).toEqual([]);
  });
});
