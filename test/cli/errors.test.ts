/**
 * What a user sees when the input is wrong: each test runs the CLI's `main` in-process (the
 * process itself is covered by commands.test.ts) on a model written into a fresh temporary folder
 * and checks the exit status, the whole of stderr, and that nothing was written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeNpy } from '../../generator/weights/npy.ts';
import { runMain } from '../support/designs.ts';

const scratchDirs: string[] = [];
afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder holding `files` (paths relative to it); removed after the test. */
function scratch(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-errors-'));
  scratchDirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

const potgen = runMain;

/**
 * `file:line:col` of the first character of `needle` in `text`, which must occur there exactly
 * once: the location the CLI should print for the property that starts with `needle`.
 */
function at(file: string, text: string, needle: string): string {
  const index = text.indexOf(needle);
  expect(index, `${needle} occurs in the model`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(needle, index + 1), `${needle} occurs once in the model`).toBe(-1);
  const before = text.slice(0, index).split('\n');
  return `${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** Every path below `dir`, relative to it, with each file's content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

/**
 * Builds `dir/<model>` into `dir/out` and expects failure: exit status 1, stderr exactly the
 * progress line followed by `lines`, and nothing written (no output folder, no staging folder).
 */
async function expectBuildFails(dir: string, model: string, lines: readonly string[]): Promise<void> {
  const before = readdirSync(dir).sort();
  const modelPath = path.join(dir, model);
  const out = path.join(dir, 'out');
  const r = await potgen('build', modelPath, '-o', out);
  expect(r.stderr).toBe(`potgen: building ${modelPath}\n${lines.map((l) => `${l}\n`).join('')}`);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir).sort()).toEqual(before);
}

/** A one-layer model around `conv`, on an `input`, with `weights` (random by default). */
function convModel(conv: string, input = '{ height: 8, width: 8, channels: 3 }', weights = 'randomWeights(1)', name = 'net'): string {
  return `import { conv2d, network, pot, randomWeights, uniform } from 'potgen';

export default network({
  name: '${name}',
  input: ${input},
  weights: ${weights},
  layers: [
    conv2d(${conv}),
  ],
});
`;
}

describe('potgen build reports bad models with file:line:col, exit status 1 and nothing written', () => {
  it('reports a type error in the model (kernel: \'3\') as TS2322 at its location', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: '3' }");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [`${at(model, text, 'kernel')}: error: Type 'string' is not assignable to type 'number'. (TS2322)`]);
  });

  it('reports an unknown option (kernal: 3) as the TypeScript excess-property error at its location', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernal: 3 }");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'kernal')}: error: Object literal may only specify known properties, but 'kernal' does not exist in type 'Conv2dOptions'. Did you mean to write 'kernel'? (TS2561)`,
    ]);
  });

  it('reports a kernel larger than its input (7x7 on 4x4, valid padding)', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 7 }", '{ height: 4, width: 4, channels: 3 }');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'kernel: 7')}: error: conv2d 'conv1': the kernel (7x7) is larger than its 4x4 input. Use a kernel of at most 4.`,
    ]);
  });

  it('reports a pe that does not divide outChannels, listing the valid choices', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 12, kernel: 3, pe: 5 }");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'pe: 5')}: error: conv2d 'conv1': pe = 5 does not divide outChannels = 12. Choose pe from 1, 2, 3, 4, 6, 12.`,
    ]);
  });

  it('reports a simd that fits neither the input channels nor whole kernel taps, listing the valid choices', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3, simd: 4 }", '{ height: 8, width: 8, channels: 6 }');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'simd: 4')}: error: conv2d 'conv1': simd = 4 does not fit the 3x3x6 window: it must divide the 6 input channels, or span whole kernel taps: 6 × t for t < 3 taps of one kernel row, or 18 × m for m ≤ 3 whole kernel rows. Choose simd from 1, 2, 3, 6, 12, 18, 36, 54.`,
    ]);
  });

  it('reports weights in logic on a layer that is not unrolled to one step per pixel, with the pe and simd that would be', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3, pe: 4, simd: 3, weightStorage: 'logic' }");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "weightStorage: 'logic'")}: error: conv2d 'conv1': weights in logic need the layer unrolled to one step per pixel, but pe = 4 and simd = 3 take 18 steps. Use pe: 8 and simd: 27 (the whole 3x3x3 window), or weightStorage: 'rom'.`,
    ]);
  });

  it('reports weight bits out of range: pot({ bits: 9 }) and uniform({ bits: 1 })', async () => {
    const text = `import { conv2d, network, pot, randomWeights, uniform } from 'potgen';

export default network({
  name: 'bits',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'conv1', outChannels: 8, kernel: 3, weights: pot({ bits: 9 }) }),
    conv2d({ name: 'conv2', outChannels: 8, kernel: 3, weights: uniform({ bits: 1 }) }),
  ],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'weights: pot')}: error: conv2d 'conv1': pot({ bits: 9 }) has too many bits; weights may have 2 to 8 bits. Use pot({ bits: 8 }).`,
      `${at(model, text, 'weights: uniform')}: error: conv2d 'conv2': uniform({ bits: 1 }) has too few bits; weights may have 2 to 8 bits. Use uniform({ bits: 2 }).`,
    ]);
  });

  it('reports an unknown uniform scale and a scale on PoT weights', async () => {
    const text = `import { conv2d, network, randomWeights } from 'potgen';

export default network({
  name: 'scales',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'conv1', outChannels: 8, kernel: 3, weights: { kind: 'uniform', bits: 4, scale: 'row' as 'layer' } }),
    conv2d({ name: 'conv2', outChannels: 8, kernel: 3, weights: { kind: 'pot', bits: 4, scale: 'channel' } }),
  ],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "weights: { kind: 'uniform'")}: error: conv2d 'conv1': uniform({ bits: 4, scale: 'row' }) has an unknown scale; it must be one of 'layer', 'channel', 'pow2'. Use uniform({ bits: 4, scale: 'layer' }).`,
      `${at(model, text, "weights: { kind: 'pot'")}: error: conv2d 'conv2': pot({ bits: 4 }) takes no scale ('channel'); PoT weights always have a power-of-two scale. Use pot({ bits: 4 }), or uniform({ bits: 4, scale: 'channel' }).`,
    ]);
  });

  it('reports a pruning fraction or level count out of range and pruning on uniform weights', async () => {
    const text = `import { conv2d, network, pot, randomWeights } from 'potgen';

export default network({
  name: 'prunes',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'conv1', outChannels: 8, kernel: 3, weights: pot({ bits: 4, prune: 1.5 }) }),
    conv2d({ name: 'conv2', outChannels: 8, kernel: 3, weights: { kind: 'uniform', bits: 8, prune: 0.5 } }),
    conv2d({ name: 'conv3', outChannels: 8, kernel: 3, weights: pot({ bits: 4, pruneLevels: 7 }) }),
  ],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'weights: pot({ bits: 4, prune: 1.5')}: error: conv2d 'conv1': pot({ bits: 4, prune: 1.5 }) needs prune to be a fraction of weights from 0 up to (not including) 1. Use pot({ bits: 4, prune: 0.5 }) for at least half of each layer's weights at zero.`,
      `${at(model, text, "weights: { kind: 'uniform'")}: error: conv2d 'conv2': uniform({ bits: 8 }) takes no prune; pruning by power-of-two levels applies to PoT weights. Use pot({ bits: 8, prune: 0.5 }).`,
      `${at(model, text, 'weights: pot({ bits: 4, pruneLevels')}: error: conv2d 'conv3': pot({ bits: 4, pruneLevels: 7 }) needs a whole number of levels from 0 to 6 (all but the largest of 7).`,
    ]);
  });

  it('reports a missing weight file at the network\'s weights property', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }", undefined, "'./weights.json'");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'weights: ')}: error: the weight file ${path.join(dir, 'weights.json')} does not exist. Check the path; it is relative to the model file.`,
    ]);
  });

  it('reports a JSON weight tensor of the wrong shape at its layer', async () => {
    // conv1 sees 3 input channels, but the file's weight has 2: [out=2, in=2, 1, 1].
    const weights = JSON.stringify({ 'conv1.weight': [[[[1]], [[2]]], [[[3]], [[4]]]], 'conv1.bias': [0.5, -0.5] });
    const text = convModel("{ name: 'conv1', outChannels: 2, kernel: 1 }", undefined, "'./weights.json'");
    const dir = scratch({ 'model.ts': text, 'weights.json': weights });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'conv2d(')}: error: conv1.weight in ${path.join(dir, 'weights.json')} has shape [2, 2, 1, 1], but the layer needs [2, 3, 1, 1] (out channels, in channels, kernel, kernel).`,
    ]);
  });

  it('reports NaN in a .npy weight file of a weight folder, naming the file and the index', async () => {
    const weight = writeNpy({ shape: [2, 1, 1, 1], data: Float64Array.of(0.25, NaN) }, '<f4');
    const bias = writeNpy({ shape: [2], data: Float64Array.of(0.5, -0.5) }, '<f4');
    const text = convModel("{ name: 'conv1', outChannels: 2, kernel: 1 }", '{ height: 4, width: 4, channels: 1 }', "'./weights'");
    const dir = scratch({ 'model.ts': text, 'weights/conv1.weight.npy': weight, 'weights/conv1.bias.npy': bias });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'conv2d(')}: error: ${path.join(dir, 'weights', 'conv1.weight.npy')}: tensor conv1.weight holds NaN at index [1,0,0,0] (flat index 1); every weight must be a finite number.`,
    ]);
  });

  it('reports a model file whose default export is not a network, at the export', async () => {
    const text = `import { network } from 'potgen';

export default 42;
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'export default')}: error: the model file's default export is 42, not a network. Export network({ ... }) from 'potgen' as the default.`,
    ]);
  });

  it('reports a model file without a default export, pointing at a network it exports by name', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }").replace('export default network', 'export const net = network');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${model}:1:1: error: the model file does not export a network as its default export. It exports the network 'net' by name; add \`export default net;\`.`,
    ]);
  });

  it("reports 'same' padding with an even kernel", async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 4, padding: 'same' }");
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'padding')}: error: conv2d 'conv1': 'same' padding needs an odd kernel, but the kernel is 4. Use kernel 5 or padding 'valid'.`,
    ]);
  });

  it('reports two layers with the same name at the second one', async () => {
    const text = `import { conv2d, network, randomWeights } from 'potgen';

export default network({
  name: 'dup',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'conv1', outChannels: 8, kernel: 3 }),
    conv2d({ name: 'conv1', outChannels: 4, kernel: 1 }),
  ],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    const second = at(model, text, "name: 'conv1', outChannels: 4");
    await expectBuildFails(dir, 'model.ts', [`${second}: error: two layers are named 'conv1'. Give every layer a unique name.`]);
  });

  it('reports three different broken rules in one file together, one line each, in source order', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3, pe: 3, simd: 2 }", undefined, undefined, 'my net');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "name: 'my net'")}: error: network: 'name' is 'my net', which cannot be a Verilog identifier. Use a letter followed by letters, digits or underscores, e.g. 'my_net'.`,
      `${at(model, text, 'pe: 3')}: error: conv2d 'conv1': pe = 3 does not divide outChannels = 8. Choose pe from 1, 2, 4, 8.`,
      `${at(model, text, 'simd: 2')}: error: conv2d 'conv1': simd = 2 does not fit the 3x3x3 window: it must divide the 3 input channels, or span whole kernel taps: 3 × t for t < 3 taps of one kernel row, or 9 × m for m ≤ 3 whole kernel rows. Choose simd from 1, 3, 6, 9, 18, 27.`,
    ]);
  });

  it("reports an invalid design name ('my-net') and a Verilog keyword as a layer name ('module')", async () => {
    const text = convModel("{ name: 'module', outChannels: 8, kernel: 3 }", undefined, undefined, 'my-net');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "name: 'my-net'")}: error: network: 'name' is 'my-net', which cannot be a Verilog identifier. Use a letter followed by letters, digits or underscores, e.g. 'my_net'.`,
      `${at(model, text, "name: 'module'")}: error: conv2d 'module': 'name' is 'module', a Verilog keyword, which cannot be used as a name. Choose another name, e.g. 'module_0'.`,
    ]);
  });

  it('reports a Verilog keyword as the design name', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }", undefined, undefined, 'module');
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "name: 'module'")}: error: network: 'name' is 'module', a Verilog keyword, which cannot be used as a name. Choose another name, e.g. 'module_0'.`,
    ]);
  });

  it('reports a model file that does not exist', async () => {
    const dir = scratch({});
    await expectBuildFails(dir, 'missing.ts', [`The model file ${path.join(dir, 'missing.ts')} does not exist.`]);
  });

  it('reports an error the model throws when it runs, at the throw', async () => {
    const text = `import { network } from 'potgen';

throw new Error('boom');
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [`${at(model, text, "new Error('boom')")}: error: running the model file threw Error: boom.`]);
  });

  it('reports an error thrown in a helper file the model imports, at the helper\'s line', async () => {
    const helper = `import { conv2d } from 'potgen';

export function block(name: string, options: { pe: number } | undefined) {
  return conv2d({ name, outChannels: 8, kernel: 3, pe: options!.pe });
}
`;
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }")
      .replace("import {", "import { block } from './helpers.ts';\nimport {")
      .replace("conv2d({ name: 'conv1', outChannels: 8, kernel: 3 })", "block('conv1', undefined)");
    const dir = scratch({ 'model.ts': text, 'helpers.ts': helper });
    const file = path.join(dir, 'helpers.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(file, helper, 'pe });')}: error: running the model file threw TypeError: Cannot read properties of undefined (reading 'pe').`,
    ]);
  });
});

describe('potgen build keeps an existing design when a later build fails', () => {
  it('leaves every file of a good build in place when a bad model is built into the same folder', async () => {
    const good = convModel("{ name: 'conv1', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 3 }", undefined, undefined, 'keep');
    const bad = convModel("{ name: 'conv1', outChannels: 4, kernel: 3, pe: 3 }", undefined, undefined, 'keep');
    const dir = scratch({ 'good.ts': good, 'bad.ts': bad });
    const out = path.join(dir, 'out');

    const built = await potgen('build', path.join(dir, 'good.ts'), '-o', out);
    expect(built.stderr).toBe(`potgen: building ${path.join(dir, 'good.ts')}\n`);
    expect(built.status).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before)).toContain('potgen.json');
    expect(Object.keys(before).some((f) => f.endsWith('.v'))).toBe(true);

    const failed = await potgen('build', path.join(dir, 'bad.ts'), '-o', out);
    const model = path.join(dir, 'bad.ts');
    expect(failed.stderr).toBe(
      `potgen: building ${model}\n${at(model, bad, 'pe: 3')}: error: conv2d 'conv1': pe = 3 does not divide outChannels = 4. Choose pe from 1, 2, 4.\n`,
    );
    expect(failed.status).toBe(1);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['bad.ts', 'good.ts', 'out']);
  });
});

describe('potgen command-line misuse', () => {
  const goodModel = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }");

  it('rejects an unknown option with commander\'s message and exit status 1', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const out = path.join(dir, 'out');
    const r = await potgen('build', path.join(dir, 'model.ts'), '--bogus', '-o', out);
    expect(r.stderr).toBe("error: unknown option '--bogus'\n(run with --help for usage)\n");
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a build without a model argument', async () => {
    const r = await potgen('build');
    expect(r.stderr).toBe("error: missing required argument 'model'\n(run with --help for usage)\n");
    expect(r.status).toBe(1);
  });

  it('rejects a --quant value that is not kind:bits, and one whose bits are out of range', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const out = path.join(dir, 'out');
    const malformed = await potgen('build', path.join(dir, 'model.ts'), '--quant', 'pot:x', '-o', out);
    expect(malformed.stderr).toBe(
      "error: option '--quant <kind:bits>' argument 'pot:x' is invalid. It must be pot:<bits>[:prune<percent>][:rom|:logic] or uniform:<bits>[:layer|channel|pow2][:rom|:logic], e.g. uniform:8, uniform:4:channel, pot:4:prune50 or pot:4:logic.\n(run with --help for usage)\n",
    );
    expect(malformed.status).toBe(1);
    const tooWide = await potgen('build', path.join(dir, 'model.ts'), '--quant', 'pot:12', '-o', out);
    expect(tooWide.stderr).toBe(
      "error: option '--quant <kind:bits>' argument 'pot:12' is invalid. Weights may have 2 to 8 bits, not 12.\n(run with --help for usage)\n",
    );
    expect(tooWide.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects --quant ...:logic on a model whose layers are not unrolled, naming the layer and the folding it needs', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const out = path.join(dir, 'out');
    const r = await potgen('build', path.join(dir, 'model.ts'), '--quant', 'pot:4:logic', '-o', out);
    expect(r.stderr).toContain(
      'Layer conv1: weights in logic need the layer unrolled to one step per pixel, but pe = 1 and simd = 1 take 216 steps. Set pe: 8 and simd: 27 (the whole 3x3x3 window) in the model, or keep its weights in a ROM.',
    );
    expect(r.status).not.toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a cycle target no folding meets, a LUT budget below the smallest folding, and targets that are not counts', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const out = path.join(dir, 'out');
    const model = path.join(dir, 'model.ts');
    // 8x8 input pixels arrive one a cycle: 64 is the least, at any folding.
    const fast = await potgen('build', model, '--target-cycles', '10', '-o', out);
    expect(fast.stderr).toBe(`potgen: building ${model}\nNo folding reaches 10 cycles per inference: layer conv1 takes at least 64 (even fully unrolled). Aim for at least 64.\n`);
    expect(fast.status).toBe(1);
    const small = await potgen('build', model, '--lut-budget', '10', '-o', out);
    expect(small.stderr).toMatch(/^potgen: building .*\nA budget of 10 LUT is too small: the smallest folding \(conv1 1x1\) needs about \d+ LUT in its weighted layers\.\n$/);
    expect(small.status).toBe(1);
    const zero = await potgen('build', model, '--target-cycles', '0', '-o', out);
    expect(zero.stderr).toBe("error: option '--target-cycles <n>' argument '0' is invalid. It must be a whole number of at least 1.\n(run with --help for usage)\n");
    expect(zero.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a pruning budget that is not a number of points, and a model with no data set to prune on', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const budget = await potgen('prune', path.join(dir, 'model.ts'), '--budget', '-1');
    expect(budget.stderr).toBe("error: option '--budget <points>' argument '-1' is invalid. It must be a number of accuracy points from 0 to 100.\n(run with --help for usage)\n");
    expect(budget.status).toBe(1);
    const bits = await potgen('prune', path.join(dir, 'model.ts'), '--bits', '9');
    expect(bits.stderr).toContain('Weights may have 2 to 8 bits, not 9.');
    expect(bits.status).toBe(1);
    const noData = await potgen('prune', path.join(dir, 'model.ts'));
    expect(noData.stderr).toContain('Pruning for an accuracy budget needs labelled images');
    expect(noData.status).toBe(1);
  });

  it('rejects potgen sim on a folder that is not a design', async () => {
    const dir = scratch({ 'model.ts': goodModel });
    const r = await potgen('sim', dir);
    expect(r.stderr).toBe(`${dir} is not a potgen design (it has no potgen.json); build one with \`potgen build <model.ts> -o ${dir}\`.\n`);
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual(['model.ts']);
  });
});

describe('inputs that used to pass the build and then break', () => {
  it('rejects layer names whose modules would collide with the top, the testbench, the library or another layer', async () => {
    const text = `import { conv2d, network, randomWeights } from 'potgen';

export default network({
  name: 'potgen',
  input: { height: 4, width: 4, channels: 1 },
  weights: randomWeights(1),
  layers: [
    conv2d({ name: 'window', outChannels: 1, kernel: 1 }),
    conv2d({ name: 'top', outChannels: 1, kernel: 1 }),
    conv2d({ name: 'tb', outChannels: 1, kernel: 1 }),
    conv2d({ name: 'c', outChannels: 1, kernel: 1 }),
    conv2d({ name: 'c_weights', outChannels: 1, kernel: 1 }),
  ],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "name: 'window'")}: error: conv2d 'window' would generate the module potgen_window, which is already potgen's library module potgen_window. Rename the layer (or the network).`,
      `${at(model, text, "name: 'top'")}: error: conv2d 'top' would generate the module potgen_top, which is already the design's top level potgen_top. Rename the layer (or the network).`,
      `${at(model, text, "name: 'tb'")}: error: conv2d 'tb' would generate the module potgen_tb, which is already the design's testbench potgen_tb. Rename the layer (or the network).`,
      `${at(model, text, "name: 'c_weights'")}: error: conv2d 'c_weights' would generate the module potgen_c_weights, which is already the module of layer 'c'. Rename the layer (or the network).`,
    ]);
  });

  it('rejects flatten() that is not followed by a dense layer, also as the first layer', async () => {
    const text = `import { conv2d, flatten, network, randomWeights } from 'potgen';

export default network({
  name: 'flat',
  input: { height: 4, width: 4, channels: 2 },
  weights: randomWeights(1),
  layers: [flatten(), conv2d({ name: 'c', outChannels: 3, kernel: 3 })],
});
`;
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, 'flatten()')}: error: flatten 'flatten1' is followed by conv2d, but only a dense layer reads a flattened map. Follow flatten() with dense({ ... }), or remove it.`,
    ]);
  });

  it('rejects a 300-character network name before it becomes a file name', async () => {
    const text = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }", undefined, undefined, 'n'.repeat(300));
    const dir = scratch({ 'model.ts': text });
    const model = path.join(dir, 'model.ts');
    await expectBuildFails(dir, 'model.ts', [
      `${at(model, text, "name: 'nnn")}: error: network: 'name' is 300 characters long; names may have at most 64, since they become module and file names. Use a shorter name, e.g. 'nnnnnnnnnnnnnnnn'.`,
    ]);
  });

  it('rejects -o below a file, and -o where the file system refuses folders (/proc), without hanging', async () => {
    const dir = scratch({ 'model.ts': convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }"), 'afile': 'not a folder' });
    const model = path.join(dir, 'model.ts');
    const below = await potgen('build', model, '-o', path.join(dir, 'afile', 'b'));
    expect(below.stderr).toBe(`potgen: building ${model}\nCannot write the design to ${path.join(dir, 'afile', 'b')}: ${path.join(dir, 'afile')} is a file, not a folder.\n`);
    expect(below.status).toBe(1);
    const proc = await potgen('build', model, '-o', '/proc/potgen-test/out');
    expect(proc.stderr).toBe(`potgen: building ${model}\nCannot write the design to /proc/potgen-test/out (creating /proc/potgen-test): the file system does not allow creating it.\n`);
    expect(proc.status).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['afile', 'model.ts']);
  });

  it('stops a network too large to store or to calibrate, with the figures, before doing the work', async () => {
    const big = convModel("{ name: 'conv1', outChannels: 4096, kernel: 7 }", '{ height: 256, width: 256, channels: 64 }', undefined, 'big');
    const heavy = convModel("{ name: 'conv1', outChannels: 256, kernel: 7 }", '{ height: 256, width: 256, channels: 64 }', undefined, 'heavy');
    const dir = scratch({ 'big.ts': big, 'heavy.ts': heavy });
    await expectBuildFails(dir, 'big.ts', [
      "The network big has 12.8 M weights (51.4 Mbit); potgen keeps every weight on chip, and the ZCU104 holds 38 Mbit of block and ultra RAM. Reduce the layers' channels or weight bits.",
    ]);
    await expectBuildFails(dir, 'heavy.ts', [
      'The network heavy needs 50.2 G multiply-accumulates per image; calibrating it and making its test vectors runs 12 images through the reference model, about 20 minutes here, more than the 2-minute limit. Reduce the network, or raise the limit with --time-limit <minutes>.',
    ]);
  });

  it("refuses Node built-ins in a model file, whether imported or required, with the model-file rule", async () => {
    const imported = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }").replace("from 'potgen';", "from 'potgen';\nimport fs from 'node:fs';");
    const required = convModel("{ name: 'conv1', outChannels: 8, kernel: 3 }").replace(
      "from 'potgen';",
      "from 'potgen';\ndeclare const require: (name: string) => unknown;\nconst fs = require('fs');",
    );
    const dir = scratch({ 'imported.ts': imported, 'required.ts': required });
    const rule = "a model file may import only 'potgen', its own relative .ts files and .json files";
    const advice = "A model describes a network: name weight files in 'weights' and data sets in 'dataset'.";
    await expectBuildFails(dir, 'imported.ts', [`${at(path.join(dir, 'imported.ts'), imported, 'import fs')}: error: ${rule}; 'node:fs' is a Node built-in. ${advice}`]);
    await expectBuildFails(dir, 'required.ts', [`${at(path.join(dir, 'required.ts'), required, "require('fs')")}: error: ${rule}; 'fs' is a Node built-in. ${advice}`]);
  });

  it('rejects sim of a design whose potgen.json is truncated', async () => {
    const dir = scratch({ 'd/potgen.json': '{\n  "design": "conv3x3",\n  "top": "conv' });
    const design = path.join(dir, 'd');
    const r = await potgen('sim', design);
    expect(r.stderr).toBe(
      `${path.join(design, 'potgen.json')} is damaged (it is not valid JSON: Unterminated string in JSON at position 39); rebuild the design with \`potgen build <model.ts> -o ${design}\`.\n`,
    );
    expect(r.status).toBe(1);
  });

  it('stops sim of a design whose vector file is truncated with one message, not a count of 0 failed checks', async () => {
    const dir = scratch({ 'model.ts': convModel("{ name: 'conv1', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 3 }", undefined, undefined, 'trunc') });
    const design = path.join(dir, 'out');
    expect((await potgen('build', path.join(dir, 'model.ts'), '-o', design)).status).toBe(0);
    const hex = path.join(design, 'tb', 'input.hex');
    writeFileSync(hex, readFileSync(hex, 'utf8').split('\n').slice(0, 100).join('\n'));
    const r = await potgen('sim', design, '--simulator', 'icarus');
    expect(r.stderr).toBe(
      'potgen: simulating trunc (4 frames) with Icarus Verilog (as asked)\nSimulation of trunc stopped before its checks ran: input vectors did not load from input.hex (256 beats expected).\n',
    );
    expect(r.stdout.split('\n')[0]).toBe('error: input vectors did not load from input.hex (256 beats expected)');
    expect(r.stdout).not.toMatch(/passed|failed/);
    expect(r.status).toBe(1);
  });
});
