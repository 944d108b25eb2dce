import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importsSha256, localImports } from './design-imports.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyswitch-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const SRC = new URL('../index.ts', import.meta.url).pathname;

describe('localImports: the user files a design file imports', () => {
  const main = put(
    'main.ts',
    `import { eager } from 'lazyswitch';
import type { SwitchDesign } from 'lazyswitch';
import { save } from './lib/save.js';      // TypeScript's convention: .js names the .ts
export { load } from "./lib/load";
import './side-effect.mjs';
// import { gone } from './commented-out.ts';
/* import { gone2 } from './block-comment.ts'; */
const later = () => import('./lazy.ts');
import { model } from '${SRC}';
`,
  );
  put('lib/save.ts', `import { shared } from '../shared/index.ts';\nexport const save = shared;\n`);
  put('lib/load.ts', `import { save } from './save.ts'; // a cycle back through save\nexport const load = save;\n`);
  put('shared/index.ts', `import { main } from '../main.ts';\nexport const shared = 1;\n`);
  put('side-effect.mjs', `export {};\n`);
  put('lazy.ts', `export const lazy = 1;\n`);
  put('commented-out.ts', `export const gone = 1;\n`);

  it('follows relative imports, exports, side-effect and literal dynamic imports, through cycles, not comments, bare names or the model', () => {
    expect(localImports(main).map((p) => p.slice(dir.length + 1))).toEqual(['lazy.ts', 'lib/load.ts', 'lib/save.ts', 'shared/index.ts', 'side-effect.mjs']);
  });

  it('one hash over them that changes when any of them does, and none for a file importing nothing of its own', () => {
    const h = importsSha256(main)!;
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(importsSha256(main)).toBe(h);
    put('shared/index.ts', `import { main } from '../main.ts';\nexport const shared = 2;\n`);
    const h1 = importsSha256(main);
    expect(h1).not.toBe(h);
    put('commented-out.ts', `export const gone = 2;\n`); // not imported: no change
    expect(importsSha256(main)).toBe(h1);
    expect(importsSha256(put('alone.ts', `import { eager } from 'lazyswitch';\nexport default eager;\n`))).toBeUndefined();
  });
});
