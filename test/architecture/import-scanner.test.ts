import { describe, expect, it } from 'vitest';
import { scanModuleReferences } from './import-scanner.ts';

describe('scanModuleReferences', () => {
  it('finds every form of import and re-export, with the line of its keyword', () => {
    const source = [
      `import a from './a.ts';`,
      `import type { B } from "./b.ts";`,
      `import {`,
      `  c,`,
      `  d,`,
      `} from './cd.ts';`,
      `import * as e from './e.ts';`,
      `import f, { g } from './fg.ts';`,
      `import './side-effect.ts';`,
      `export { h } from './h.ts';`,
      `export * from './star.ts';`,
      `export * as ns from './ns.ts';`,
      `export type { T } from './t.ts';`,
      `const m = await import('./dynamic.ts');`,
      `const w = new Worker(new URL('./worker.mjs', import.meta.url));`,
      'const t = `${await import(\'./in-template.ts\')}`;',
    ].join('\n');
    expect(scanModuleReferences(source).map((r) => [r.line, r.kind, r.specifier])).toEqual([
      [1, 'static', './a.ts'],
      [2, 'static', './b.ts'],
      [3, 'static', './cd.ts'],
      [7, 'static', './e.ts'],
      [8, 'static', './fg.ts'],
      [9, 'static', './side-effect.ts'],
      [10, 'static', './h.ts'],
      [11, 'static', './star.ts'],
      [12, 'static', './ns.ts'],
      [13, 'static', './t.ts'],
      [14, 'dynamic', './dynamic.ts'],
      [15, 'worker', './worker.mjs'],
      [16, 'dynamic', './in-template.ts'],
    ]);
  });

  it('ignores local exports, data URLs, property names, comments, strings and regular expressions', () => {
    const source = [
      `export const x = 1;`,
      `export { x as y };`,
      `export default function from() {}`,
      `const data = new URL('./data.json', import.meta.url);`,
      `const o = { import: 1, export: 2 }; o.import; o.export;`,
      `// import a from './comment.ts';`,
      `/* export * from './block.ts'; */`,
      `const s = "import q from './string.ts'";`,
      "const t = `import r from './template.ts'`;",
      `const re = /import\\('.\\/regex.ts'\\)/g; const half = 1 / 2 / 3;`,
    ].join('\n');
    expect(scanModuleReferences(source)).toEqual([]);
  });
});
