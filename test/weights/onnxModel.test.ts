/**
 * ONNX import end to end: the PyTorch-exported fixture builds into the same integer model as the
 * same weights taken straight from PyTorch's state_dict (written beside it when it was exported),
 * and its RTL matches the reference model. Bad ONNX files stop the build with the node named.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { avgPool2d, conv2d, dense, flatten, maxPool2d, network } from '../../generator/dsl/index.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { compileNetwork, prepareNetwork } from '../../generator/pipeline/buildDesign.ts';
import { runFloat } from '../../generator/reference/floatModel.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, runMain, tempDir } from '../support/designs.ts';

const FIXTURES = path.resolve('test/fixtures/onnx');

const tiny = (weights: string, name = 'tiny') =>
  network({
    name,
    input: { height: 4, width: 4, channels: 1 },
    weights,
    layers: [
      conv2d({ name: 'conv1', outChannels: 2, kernel: 3, padding: 'same', pe: 2 }),
      maxPool2d({ name: 'pool1', kernel: 2 }),
      flatten(),
      dense({ name: 'fc1', outFeatures: 4, pe: 2, simd: 2 }),
      dense({ name: 'fc2', outFeatures: 3, pe: 3, simd: 4, activation: 'none' }),
    ],
  });

describe('ONNX models exported from PyTorch', () => {
  const model = path.join(FIXTURES, 'model.ts');

  it('quantise exactly like the same weights taken from the state_dict', () => {
    for (const quant of [{ kind: 'pot', bits: 4 }, { kind: 'uniform', bits: 8 }] as const) {
      const fromOnnx = compileNetwork(prepareNetwork(tiny('./tiny.onnx'), noLocations, model), { quant });
      const fromJson = compileNetwork(prepareNetwork(tiny('./tiny.weights.json'), noLocations, model), { quant });
      expect(fromOnnx.ir.layers).toEqual(fromJson.ir.layers);
      const conv = fromOnnx.ir.layers[0]!;
      expect(conv.kind === 'conv2d' && conv.weightValues.some((v) => v !== 0)).toBe(true);
    }
  });

  it('build into RTL that matches the reference model', async () => {
    const dir = tempDir();
    for (const f of ['tiny.onnx']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    const built = buildInto(dir, tiny('./tiny.onnx', 'tiny_onnx'));
    const sim = await simulate(built.out);
    expect(sim.log).toContain('5 passed, 0 failed');
    expect(sim.ok).toBe(true);
  });
});

describe('bad ONNX input stops the build, names the node and writes nothing', () => {
  const dir = tempDir();
  const run = async (modelText: string) => {
    const file = path.join(dir, 'bad.ts');
    writeFileSync(file, modelText);
    const out = path.join(dir, 'out');
    const r = await runMain('build', file, '-o', out);
    return { status: r.status, stderr: r.stderr, wrote: existsSync(out) };
  };
  const model = (weights: string, layers: string) => `import { conv2d, dense, flatten, maxPool2d, network } from 'potgen';
export default network({
  name: 'bad',
  input: { height: 4, width: 4, channels: 1 },
  weights: '${weights}',
  layers: [
${layers}
  ],
});
`;
  const tinyLayers = `    conv2d({ name: 'conv1', outChannels: 2, kernel: 3, padding: 'same' }),
    maxPool2d({ name: 'pool1', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 4 }),
    dense({ name: 'fc2', outFeatures: 3, activation: 'none' }),`;

  it('an unsupported operator', async () => {
    const r = await run(model(path.join(FIXTURES, 'sigmoid.onnx'), `    conv2d({ name: 'conv1', outChannels: 2, kernel: 3 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 3, activation: 'none' }),`));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^.*bad\.ts:5:3: error: .*sigmoid\.onnx: node '[^']+' \(Sigmoid\) is not supported; potgen imports Conv, Gemm\/MatMul, MaxPool, AveragePool\/GlobalAveragePool, Flatten\/Reshape and Relu \(the bias of a MatMul comes from the Add after it\)\.$/m);
    expect(r.wrote).toBe(false);
  });

  it('a layer count that does not match', async () => {
    const r = await run(model(path.join(FIXTURES, 'tiny.onnx'), tinyLayers.split('\n').slice(0, 4).join('\n')));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/tiny\.onnx: the ONNX graph has 5 layers .* but the network declares 4 .*; node '[^']+' \(Gemm\) has no matching layer\./);
    expect(r.wrote).toBe(false);
  });

  it('a kernel that does not match', async () => {
    const r = await run(model(path.join(FIXTURES, 'tiny.onnx'), tinyLayers.replace("kernel: 3, padding: 'same'", 'kernel: 1')));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/tiny\.onnx: node '[^']+' \(Conv\) has kernel 3x3 but layer 'conv1' declares kernel 1\./);
    expect(r.wrote).toBe(false);
  });

  it('a corrupt file', async () => {
    const file = path.join(dir, 'corrupt.onnx');
    writeFileSync(file, Buffer.from('this is not protobuf at all, just text'));
    const r = await run(model(file, tinyLayers));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/corrupt\.onnx is not a valid ONNX model: /);
    expect(r.wrote).toBe(false);
  });
});

describe('average pooling exported from PyTorch (AvgPool2d with padding, AdaptiveAvgPool2d(1))', () => {
  const model = path.join(FIXTURES, 'model.ts');
  const avgNet = (weights: string, name = 'avgnet') =>
    network({
      name,
      input: { height: 8, width: 8, channels: 1 },
      weights,
      layers: [
        conv2d({ name: 'conv1', outChannels: 4, kernel: 3, padding: 'same', pe: 4 }),
        avgPool2d({ name: 'pool1', kernel: 3, stride: 2, padding: 1 }),
        conv2d({ name: 'conv2', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 4 }),
        avgPool2d({ name: 'gap', global: true }),
        flatten(),
        dense({ name: 'fc', outFeatures: 3, pe: 3, simd: 4, activation: 'none' }),
      ],
    });

  it('imports Pad+AveragePool and GlobalAveragePool onto the declared layers, as the state_dict holds the weights', () => {
    const fromOnnx = prepareNetwork(avgNet('./avgpool.onnx'), noLocations, model);
    const fromJson = prepareNetwork(avgNet('./avgpool.weights.json'), noLocations, model);
    expect([...fromOnnx.tensors.keys()].sort()).toEqual([...fromJson.tensors.keys()].sort());
    for (const [name, t] of fromJson.tensors) expect(fromOnnx.tensors.get(name), name).toEqual(t);
  });

  it("gives PyTorch's outputs in the float model (count_include_pad and global pooling included)", () => {
    const { pixels, outputs } = JSON.parse(readFileSync(path.join(FIXTURES, 'avgpool.expected.json'), 'utf8')) as { pixels: number[]; outputs: number[] };
    const prepared = prepareNetwork(avgNet('./avgpool.onnx'), noLocations, model);
    const got = runFloat(prepared.spec, prepared.tensors, { height: 8, width: 8, channels: 1, data: Int32Array.from(pixels) });
    expect(got).toHaveLength(3);
    got.forEach((v, i) => expect(v).toBeCloseTo(outputs[i]!, 12));
  });

  it('builds into RTL that matches the reference model', async () => {
    const dir = tempDir();
    copyFileSync(path.join(FIXTURES, 'avgpool.onnx'), path.join(dir, 'avgpool.onnx'));
    const built = buildInto(dir, avgNet('./avgpool.onnx', 'avgnet_onnx'));
    const sim = await simulate(built.out);
    expect(sim.log).toContain('5 passed, 0 failed');
    expect(sim.ok).toBe(true);
  });
});
