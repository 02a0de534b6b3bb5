/**
 * The model loader: where each DSL value and property was written (however the DSL was
 * imported, and across relative helper files), and where a model that fails went wrong.
 * Line and column numbers are 1-based, as compilers print them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawConv2d } from '../../generator/dsl/types.ts';
import { DiagnosticsError, type Diagnostic, type SourceLocation } from '../../generator/core/errors.ts';
import { loadModel } from '../../generator/load/loadModel.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'potgen-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` into a new folder `root/<name>`; returns the folder. */
function write(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/** The temp folder lies outside the working directory, so locations name files by absolute path. */
const loc = (file: string, line: number, column: number): SourceLocation => ({ file, line, column });

/** The diagnostics of the DiagnosticsError that `fn` throws. */
function diagnosticsOf(fn: () => unknown): readonly Diagnostic[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticsError);
    return (e as DiagnosticsError).diagnostics;
  }
  throw new Error('expected a DiagnosticsError');
}

describe('loadModel locates what the model wrote', () => {
  it('locates calls, layer properties, nested network properties and calls nested in properties', () => {
    const dir = write('plain', {
      'model.ts': `import { conv2d, network, pot, randomWeights } from 'potgen';

export default network({
  name: 'located',
  input: { height: 8, width: 6, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'conv1', outChannels: 8, kernel: 3, pe: 4 }),
    conv2d({
      name: 'conv2',
      outChannels: 4,
      kernel: 1,
      weights: pot({ bits: 3 }),
      pe: 2,
    }),
  ],
});
`,
    });
    const file = path.join(dir, 'model.ts');
    const { network, locator, file: loaded } = loadModel(file);
    expect(loaded).toBe(file);
    const [conv1, conv2] = network.layers as [RawConv2d, RawConv2d];
    expect(conv1.pe).toBe(4);
    expect(conv2.weights).toEqual({ kind: 'pot', bits: 3 });

    expect(locator.locate(network)).toEqual(loc(file, 3, 16));
    expect(locator.locate(network, 'name')).toEqual(loc(file, 4, 3));
    expect(locator.locate(network, 'input')).toEqual(loc(file, 5, 3));
    expect(locator.locate(network, 'input.height')).toEqual(loc(file, 5, 12));
    expect(locator.locate(network, 'input.width')).toEqual(loc(file, 5, 23));
    expect(locator.locate(network, 'input.channels')).toEqual(loc(file, 5, 33));
    expect(locator.locate(network, 'weights')).toEqual(loc(file, 6, 3));

    expect(locator.locate(conv1)).toEqual(loc(file, 8, 5));
    expect(locator.locate(conv1, 'pe')).toEqual(loc(file, 8, 56));
    expect(locator.locate(conv1, 'kernel')).toEqual(loc(file, 8, 45));
    expect(locator.locate(conv2)).toEqual(loc(file, 9, 5));
    expect(locator.locate(conv2, 'pe')).toEqual(loc(file, 14, 7));
    expect(locator.locate(conv2, 'weights')).toEqual(loc(file, 13, 7));
    expect(locator.locate(conv2.weights!)).toEqual(loc(file, 13, 16));
    // A property the model did not write falls back to the call that made the value.
    expect(locator.locate(conv2, 'stride')).toEqual(loc(file, 9, 5));
    // A value the model did not make with the DSL has no location.
    expect(locator.locate({})).toBeUndefined();
  });

  it('loads a model that imports a relative helper file, locating the calls in the helper', () => {
    const dir = write('helper', {
      'helpers.ts': `import { conv2d, pot } from 'potgen';

/** A 3x3 block with the given parallelism. */
export function block(name: string, pe: number) {
  return conv2d({ name, outChannels: 8, kernel: 3, pe, weights: pot({ bits: 4 }) });
}
`,
      'model.ts': `import { network, randomWeights } from 'potgen';
import { block } from './helpers.ts';

export default network({
  name: 'helped',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(2),
  layers: [block('a', 2), block('b', 4)],
});
`,
    });
    const model = path.join(dir, 'model.ts');
    const helpers = path.join(dir, 'helpers.ts');
    const { network, locator } = loadModel(model);
    const [a, b] = network.layers as [RawConv2d, RawConv2d];
    expect([a.name, a.pe, b.name, b.pe]).toEqual(['a', 2, 'b', 4]);
    expect(locator.locate(network, 'input.height')).toEqual(loc(model, 6, 12));
    expect(locator.locate(network, 'layers')).toEqual(loc(model, 8, 3));
    for (const layer of [a, b]) {
      expect(locator.locate(layer)).toEqual(loc(helpers, 5, 10));
      expect(locator.locate(layer, 'pe')).toEqual(loc(helpers, 5, 52)); // shorthand property
      expect(locator.locate(layer.weights!)).toEqual(loc(helpers, 5, 65));
    }
  });

  it('locates calls made through aliased imports', () => {
    const dir = write('aliased', {
      'model.ts': `import { conv2d as conv, network as net, pot as powerOfTwo, randomWeights as seeded } from 'potgen';

export default net({
  name: 'aliased',
  input: { height: 8, width: 8, channels: 3 },
  weights: seeded(3),
  layers: [conv({ name: 'c1', outChannels: 4, kernel: 3, pe: 2, weights: powerOfTwo({ bits: 5 }) })],
});
`,
    });
    const file = path.join(dir, 'model.ts');
    const { network, locator } = loadModel(file);
    const [c1] = network.layers as [RawConv2d];
    expect(network.weights).toEqual({ kind: 'random', seed: 3 });
    expect(locator.locate(network)).toEqual(loc(file, 3, 16));
    expect(locator.locate(network, 'input.channels')).toEqual(loc(file, 5, 33));
    expect(locator.locate(c1)).toEqual(loc(file, 7, 12));
    expect(locator.locate(c1, 'pe')).toEqual(loc(file, 7, 58));
    expect(locator.locate(c1, 'weights')).toEqual(loc(file, 7, 65));
    expect(locator.locate(c1.weights!)).toEqual(loc(file, 7, 74));
  });

  it('locates calls made through a namespace import', () => {
    const dir = write('namespace', {
      'model.ts': `import * as p from 'potgen';

const first = p.conv2d({ name: 'first', outChannels: 6, kernel: 3, simd: 3 });

export default p.network({
  name: 'spaced',
  input: { height: 5, width: 5, channels: 3 },
  weights: p.randomWeights(4),
  layers: [first, p.conv2d({ name: 'second', outChannels: 2, kernel: 1, weights: p.uniform({ bits: 8 }) })],
});
`,
    });
    const file = path.join(dir, 'model.ts');
    const { network, locator } = loadModel(file);
    const [first, second] = network.layers as [RawConv2d, RawConv2d];
    expect(locator.locate(first)).toEqual(loc(file, 3, 15));
    expect(locator.locate(first, 'simd')).toEqual(loc(file, 3, 68));
    expect(locator.locate(network)).toEqual(loc(file, 5, 16));
    expect(locator.locate(network, 'input.width')).toEqual(loc(file, 7, 23));
    expect(locator.locate(second)).toEqual(loc(file, 9, 19));
    expect(locator.locate(second, 'weights')).toEqual(loc(file, 9, 73));
    expect(locator.locate(second.weights!)).toEqual(loc(file, 9, 82));
  });
});

describe('loadModel locates what went wrong', () => {
  it('reports a type error in a helper file at the helper\'s line and column', () => {
    const dir = write('helper-type-error', {
      'helpers.ts': `import { conv2d } from 'potgen';

export const wide = conv2d({ name: 'wide', outChannels: 'eight', kernel: 3 });
`,
      'model.ts': `import { network, randomWeights } from 'potgen';
import { wide } from './helpers.ts';

export default network({ name: 'x', input: { height: 8, width: 8, channels: 3 }, weights: randomWeights(1), layers: [wide] });
`,
    });
    expect(diagnosticsOf(() => loadModel(path.join(dir, 'model.ts')))).toEqual([
      { location: loc(path.join(dir, 'helpers.ts'), 3, 44), message: "Type 'string' is not assignable to type 'number'. (TS2322)" },
    ]);
  });

  it('reports where a model threw, even on a line whose DSL calls were instrumented', () => {
    const dir = write('throws', {
      'model.ts': `import { network, pot } from 'potgen';

function side(n: number): number {
  if (n > 2) throw new RangeError(\`side \${n} is too big\`);
  return n;
}
const q = pot({ bits: 4 }); const r: number = (q as any).nope.x;
export default network({ name: 'x', input: { height: side(3), width: r, channels: 1 }, weights: 'w.json', layers: [] });
`,
    });
    const file = path.join(dir, 'model.ts');
    expect(diagnosticsOf(() => loadModel(file))).toEqual([
      { location: loc(file, 7, 63), message: "running the model file threw TypeError: Cannot read properties of undefined (reading 'x')." },
    ]);
    const fixed = write('throws-later', {
      'model.ts': `import { network, pot } from 'potgen';

function side(n: number): number {
  if (n > 2) throw new RangeError(\`side \${n} is too big\`);
  return n;
}
export default network({ name: 'x', input: { height: side(3), width: 1, channels: 1 }, weights: 'w.json', layers: [] });
`,
    });
    const later = path.join(fixed, 'model.ts');
    expect(diagnosticsOf(() => loadModel(later))).toEqual([
      { location: loc(later, 4, 20), message: 'running the model file threw RangeError: side 3 is too big.' },
    ]);
  });
});

describe('loadModel bounds what a model file may do', () => {
  it('stops a model file that runs too long, also in a helper it imports', () => {
    const dir = write('loops', {
      'model.ts': `import { network } from 'potgen';
import { spin } from './helper.ts';

spin();
export default network({ name: 'x', input: { height: 1, width: 1, channels: 1 }, weights: 'w.json', layers: [] });
`,
      'helper.ts': `export function spin(): void {
  for (let i = 0; i >= 0; i = (i + 1) % 10) {}
}
`,
    });
    const file = path.join(dir, 'model.ts');
    const started = performance.now();
    expect(diagnosticsOf(() => loadModel(file, { timeoutMs: 300 }))).toEqual([
      { location: loc(file, 1, 1), message: 'running the model file did not finish within 0.3 s; a model file only describes a network, so look for a loop that never ends.' },
    ]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses packages and built-ins in import, export-from and import-equals forms, in the model and in its helpers', () => {
    const dir = write('imports', {
      'model.ts': `import { network } from 'potgen';
import { x } from './helper.ts';
import fs from 'fs';
export { join } from 'node:path';
import os = require('os');
export default network({ name: 'x', input: { height: 1, width: 1, channels: 1 }, weights: 'w.json', layers: [] });
`,
      'helper.ts': `import lodash from 'lodash';
export const x = 1;
`,
    });
    const file = path.join(dir, 'model.ts');
    const rule = "a model file may import only 'potgen', its own relative .ts files and .json files";
    const advice = "A model describes a network: name weight files in 'weights' and data sets in 'dataset'.";
    expect(diagnosticsOf(() => loadModel(file))).toEqual([
      { location: loc(file, 3, 1), message: `${rule}; 'fs' is a Node built-in. ${advice}` },
      { location: loc(file, 4, 1), message: `${rule}; 'node:path' is a Node built-in. ${advice}` },
      { location: loc(file, 5, 1), message: `${rule}; 'os' is a Node built-in. ${advice}` },
    ]);
    // Once the model itself is clean, the helper's import is reported at the helper.
    writeFileSync(file, `import { network } from 'potgen';
import { x } from './helper.ts';
export default network({ name: 'x', input: { height: x, width: 1, channels: 1 }, weights: 'w.json', layers: [] });
`);
    expect(diagnosticsOf(() => loadModel(file))).toEqual([
      { location: loc(path.join(dir, 'helper.ts'), 1, 1), message: `${rule}; 'lodash' is a package. ${advice}` },
    ]);
  });
});

describe('the cache of compiled models', () => {
  it('loads an unchanged model without compiling it again, and notices a change in a helper or an imported JSON file', () => {
    const dir = write('cached', {
      'model.ts': `import { conv2d, network, randomWeights } from 'potgen';
import { channels } from './helper.ts';

export default network({
  name: 'cached',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [conv2d({ name: 'conv1', outChannels: channels(), kernel: 3, pe: 3 })],
});
`,
      'helper.ts': `import sizes from './sizes.json';
export function channels(): number {
  return sizes.out;
}
`,
      'sizes.json': '{ "out": 8 }',
    });
    const file = path.join(dir, 'model.ts');
    const out = (m: ReturnType<typeof loadModel>) => (m.network.layers[0] as RawConv2d).outChannels;
    const first = loadModel(file);
    expect([first.fromCache, out(first)]).toEqual([false, 8]);
    const second = loadModel(file);
    expect([second.fromCache, out(second)]).toEqual([true, 8]);
    // Locations from a cached load are those of a fresh one.
    const layer = second.network.layers[0]!;
    expect(second.locator.locate(layer, 'pe')).toEqual(first.locator.locate(first.network.layers[0]!, 'pe'));
    expect(second.locator.locate(layer, 'pe')).toEqual(loc(file, 8, 72));
    writeFileSync(path.join(dir, 'sizes.json'), '{ "out": 6 }');
    const third = loadModel(file);
    expect([third.fromCache, out(third)]).toEqual([false, 6]);
    writeFileSync(path.join(dir, 'helper.ts'), 'export function channels(): number {\n  return 12;\n}\n');
    const fourth = loadModel(file);
    expect([fourth.fromCache, out(fourth)]).toEqual([false, 12]);
    expect(loadModel(file, { cache: false }).fromCache).toBe(false);
  });
});
