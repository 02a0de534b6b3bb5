import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WeightFileError } from '../../generator/core/errors.ts';
import type { NdArray } from '../../generator/core/tensors.ts';
import type { LayerSpec } from '../../generator/layers/registry.ts';
import { readOnnx, type OnnxAttribute, type OnnxGraph, type OnnxNode } from '../../generator/weights/onnx.ts';
import { mapOnnxToLayers, type OnnxLayer } from '../../generator/weights/onnxLayers.ts';
import {
  ProtobufError,
  decodeMessage,
  intOf,
  lastField,
  messageOf,
  readVarint,
  repeatedFixed,
  repeatedInts,
  stringOf,
  doubleOf,
  floatOf,
} from '../../generator/weights/protobuf.ts';
import { createRng } from '../../generator/core/rng.ts';

// The fixtures in test/fixtures/onnx were written by make_fixtures.py there: tiny, matmul,
// sigmoid and batchnorm by torch.onnx.export (PyTorch 1.13, opset 13), the others with
// onnx.helper (onnx 1.12). tiny.weights.json and matmul.weights.json hold the same weights taken
// straight from the PyTorch state_dicts, without potgen's code.

const FIXTURES = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + name));
const load = (name: string): OnnxGraph => readOnnx(fixture(name), name);

/** Asserts that `fn` throws a WeightFileError whose message is exactly `message`. */
function expectWeightError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(WeightFileError);
  expect((thrown as Error).message).toBe(message);
}

/** Asserts that `fn` throws a ProtobufError whose message is exactly `message`. */
function expectProtoError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ProtobufError);
  expect(thrown).toBeInstanceOf(WeightFileError);
  expect((thrown as Error).message).toBe(message);
}

const plainMap = (m: ReadonlyMap<string, NdArray>): Array<[string, number[], number[]]> =>
  [...m].map(([k, a]) => [k, [...a.shape], [...a.data]]);

/** A `<name>.weights.json` written by make_fixtures.py from the PyTorch state_dict. */
function expectedWeights(name: string): Array<[string, number[], number[]]> {
  const json = JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as Record<string, { shape: number[]; data: number[] }>;
  return Object.entries(json).map(([k, v]) => [k, v.shape, v.data]);
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

// ---------------------------------------------------------------------------------------------
// Editing decoded graphs, to reach error paths that torch.onnx.export never writes.

function editNode(graph: OnnxGraph, name: string, change: (n: OnnxNode) => OnnxNode): OnnxGraph {
  expect(graph.nodes.some((n) => n.name === name)).toBe(true);
  return { ...graph, nodes: graph.nodes.map((n) => (n.name === name ? change(n) : n)) };
}

function setAttr(graph: OnnxGraph, node: string, attr: string, value: OnnxAttribute | undefined): OnnxGraph {
  return editNode(graph, node, (n) => {
    const attributes = new Map(n.attributes);
    if (value) attributes.set(attr, value);
    else attributes.delete(attr);
    return { ...n, attributes };
  });
}

function editInitializers(graph: OnnxGraph, change: (m: Map<string, NdArray>) => void): OnnxGraph {
  const initializers = new Map(graph.initializers);
  change(initializers);
  return { ...graph, initializers };
}

const ints = (...value: number[]): OnnxAttribute => ({ kind: 'ints', value });
const int = (value: number): OnnxAttribute => ({ kind: 'int', value });

/** A layer as these tests describe it: the facts ONNX import checks, with the input size spelled out. */
type LayerRequest =
  | { readonly kind: 'conv2d'; readonly name: string; readonly outChannels: number; readonly inChannels: number; readonly kernel: number; readonly stride: number; readonly pad: number; readonly bias: boolean }
  | { readonly kind: 'maxPool2d'; readonly name: string; readonly kernel: number; readonly stride: number; readonly pad: number }
  | { readonly kind: 'flatten'; readonly name: string }
  | { readonly kind: 'dense'; readonly name: string; readonly outFeatures: number; readonly inFeatures: number; readonly bias: boolean };

const WEIGHTED = { weights: { kind: 'pot', bits: 4 }, activationBits: 8, pe: 1, simd: 1, shift: undefined, activation: 'relu', weightStorage: 'rom' } as const;

/** The validated layer and input shape a request stands for (a conv's pad is 0 or its 'same' padding). */
function toOnnxLayer(r: LayerRequest): OnnxLayer {
  const spec: LayerSpec =
    r.kind === 'conv2d'
      ? { ...WEIGHTED, kind: 'conv2d', name: r.name, outChannels: r.outChannels, kernel: r.kernel, stride: r.stride, padding: r.pad === 0 ? 'valid' : 'same', bias: r.bias }
      : r.kind === 'dense'
        ? { ...WEIGHTED, kind: 'dense', name: r.name, outFeatures: r.outFeatures, bias: r.bias }
        : r.kind === 'maxPool2d'
          ? { kind: 'maxPool2d', name: r.name, kernel: r.kernel, stride: r.stride, padding: r.pad }
          : { kind: 'flatten', name: r.name };
  const channels = r.kind === 'conv2d' ? r.inChannels : r.kind === 'dense' ? r.inFeatures : 2;
  return { spec, input: { height: r.kind === 'dense' ? 1 : 4, width: r.kind === 'dense' ? 1 : 4, channels } };
}

/** mapOnnxToLayers on the layers the requests stand for. */
const mapOnnx = (graph: OnnxGraph, layers: readonly LayerRequest[], where: string) => mapOnnxToLayers(graph, layers.map(toOnnxLayer), where);

function withLayer(layers: readonly LayerRequest[], index: number, patch: Record<string, unknown>): LayerRequest[] {
  return layers.map((l, i) => (i === index ? ({ ...l, ...patch } as LayerRequest) : l));
}

const TINY_LAYERS: readonly LayerRequest[] = [
  { kind: 'conv2d', name: 'conv1', outChannels: 2, inChannels: 1, kernel: 3, stride: 1, pad: 1, bias: true },
  { kind: 'maxPool2d', name: 'pool', kernel: 2, stride: 2, pad: 0 },
  { kind: 'flatten', name: 'flatten' },
  { kind: 'dense', name: 'fc1', outFeatures: 4, inFeatures: 8, bias: true },
  { kind: 'dense', name: 'fc2', outFeatures: 3, inFeatures: 4, bias: true },
];

const MATMUL_LAYERS: readonly LayerRequest[] = [
  { kind: 'conv2d', name: 'conv', outChannels: 2, inChannels: 1, kernel: 3, stride: 1, pad: 1, bias: false },
  { kind: 'maxPool2d', name: 'pool', kernel: 2, stride: 2, pad: 0 },
  { kind: 'flatten', name: 'flatten' },
  { kind: 'dense', name: 'fc1', outFeatures: 4, inFeatures: 8, bias: true },
  { kind: 'dense', name: 'fc2', outFeatures: 3, inFeatures: 4, bias: false },
];

// ---------------------------------------------------------------------------------------------

describe('protobuf reader', () => {
  it('reads varints of 1 to 10 bytes', () => {
    expect(readVarint(bytes(0x00), 0)).toEqual({ value: 0n, next: 1 });
    expect(readVarint(bytes(0x96, 0x01), 0)).toEqual({ value: 150n, next: 2 });
    expect(readVarint(bytes(0xaa, 0x96, 0x01), 1)).toEqual({ value: 150n, next: 3 });
    // 2^49 needs the eighth byte, beyond the fast path.
    expect(readVarint(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 0).value).toBe(2n ** 49n);
    const max = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(readVarint(max, 0)).toEqual({ value: 2n ** 64n - 1n, next: 10 });
  });

  it('rejects truncated and over-long varints', () => {
    expectProtoError(() => readVarint(bytes(0x80), 0), 'the data ends in the middle of a varint at byte 0');
    expectProtoError(() => readVarint(bytes(0x01, 0xff, 0xff), 1, 100), 'the data ends in the middle of a varint at byte 101');
    const eleven = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expectProtoError(() => readVarint(eleven, 0), 'the varint at byte 0 is longer than 64 bits');
    const tooBig = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    expectProtoError(() => readVarint(tooBig, 0), 'the varint at byte 0 is longer than 64 bits');
  });

  it('decodes every wire type, strings, floats, doubles and negative int64s', () => {
    const msg = decodeMessage(
      bytes(
        0x08, 0x96, 0x01, // 1: varint 150
        0x12, 0x03, 0x68, 0xc3, 0xa9, // 2: "hé"
        0x1d, 0x00, 0x00, 0xc0, 0x3f, // 3: float 1.5
        0x21, 0, 0, 0, 0, 0, 0, 0, 0xc0, // 4: double -2
        0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // 5: int64 -1
        0xf8, 0x07, 0x01, // 127: varint 1 (a two-byte tag)
      ),
    );
    expect(msg.fields.map((f) => [f.number, f.wire, f.offset])).toEqual([
      [1, 0, 0], [2, 2, 3], [3, 5, 8], [4, 1, 13], [5, 0, 22], [127, 0, 33],
    ]);
    expect(intOf(lastField(msg, 1)!, 'a')).toBe(150);
    expect(stringOf(lastField(msg, 2)!, 'b')).toBe('hé');
    expect(floatOf(lastField(msg, 3)!, 'c')).toBe(1.5);
    expect(doubleOf(lastField(msg, 4)!, 'd')).toBe(-2);
    expect(intOf(lastField(msg, 5)!, 'e')).toBe(-1);
  });

  it('reads repeated fields packed, unpacked, and mixed', () => {
    const msg = decodeMessage(
      bytes(
        0x0a, 0x03, 0x01, 0xff, 0x01, // 1: packed [1, 255]
        0x08, 0x07, // 1: unpacked 7
        0x12, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xbf, // 2: packed floats [1, -0.5]
        0x15, 0, 0, 0, 0x40, // 2: unpacked float 2
        0x1a, 0x08, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // 3: packed double [1]
      ),
    );
    expect(repeatedInts(msg, 1, 'ints')).toEqual([1, 255, 7]);
    expect(repeatedFixed(msg, 2, 4, 'floats')).toEqual([1, -0.5, 2]);
    expect(repeatedFixed(msg, 3, 8, 'doubles')).toEqual([1]);
    expect(repeatedInts(msg, 9, 'absent')).toEqual([]);
  });

  it('reports malformed data with the byte it starts at', () => {
    expectProtoError(() => decodeMessage(bytes(0x0b)), 'field 1 at byte 0 has the invalid wire type 3');
    expectProtoError(() => decodeMessage(bytes(0x08, 0x01, 0x0c)), 'field 1 at byte 2 has the invalid wire type 4');
    expectProtoError(() => decodeMessage(bytes(0x00, 0x00)), 'the field at byte 0 has the invalid field number 0');
    expectProtoError(() => decodeMessage(bytes(0x12, 0x05, 0x61)), 'field 2 at byte 0 declares 5 bytes but only 1 follow');
    expectProtoError(() => decodeMessage(bytes(0x1d, 0x00, 0x00)), 'the data ends in the middle of field 3 (fixed32) at byte 0');
    expectProtoError(() => decodeMessage(bytes(0x21, 0x00)), 'the data ends in the middle of field 4 (fixed64) at byte 0');
    expectProtoError(() => decodeMessage(bytes(0x08)), 'the data ends in the middle of a varint at byte 1');
    // Positions inside embedded messages count from the start of the outer message.
    const outer = decodeMessage(bytes(0x08, 0x01, 0x0a, 0x02, 0x08, 0x80));
    expectProtoError(() => messageOf(lastField(outer, 1)!, 'Outer.inner'), 'the data ends in the middle of a varint at byte 5');
  });

  it('reports fields of the wrong wire type, bad UTF-8, ragged packed floats and huge ints', () => {
    const msg = decodeMessage(bytes(0x08, 0x01, 0x12, 0x01, 0xff, 0x1a, 0x03, 0, 0, 0, 0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10));
    expectProtoError(() => stringOf(lastField(msg, 1)!, 'NodeProto.name'), 'NodeProto.name (field 1 at byte 0) is varint where length-delimited data was expected');
    expectProtoError(() => floatOf(lastField(msg, 1)!, 'AttributeProto.f'), 'AttributeProto.f (field 1 at byte 0) is varint where a fixed32 float was expected');
    expectProtoError(() => intOf(lastField(msg, 2)!, 'AttributeProto.i'), 'AttributeProto.i (field 2 at byte 2) is length-delimited where a varint was expected');
    expectProtoError(() => stringOf(lastField(msg, 2)!, 'NodeProto.op_type'), 'NodeProto.op_type (field 2 at byte 2) is not valid UTF-8');
    expectProtoError(() => repeatedFixed(msg, 3, 4, 'TensorProto.float_data'), 'TensorProto.float_data (field 3 at byte 5) holds 3 bytes, not a multiple of 4');
    expectProtoError(() => intOf(lastField(msg, 4)!, 'TensorProto.dims'), 'TensorProto.dims (field 4 at byte 10) holds 1152921504606846976, which is too large to handle exactly');
  });
});

// ---------------------------------------------------------------------------------------------

describe('readOnnx', () => {
  it('decodes the graph torch.onnx.export writes', () => {
    const g = load('tiny.onnx');
    expect(g.name).toBe('torch_jit');
    expect(g.inputs).toEqual([{ name: 'image', shape: [1, 1, 4, 4] }]);
    expect(g.outputs).toEqual([{ name: 'logits', shape: [1, 3] }]);
    expect(g.nodes.map((n) => [n.name, n.opType, n.domain, n.inputs, n.outputs])).toEqual([
      ['/conv1/Conv', 'Conv', '', ['image', 'conv1.weight', 'conv1.bias'], ['/conv1/Conv_output_0']],
      ['/Relu', 'Relu', '', ['/conv1/Conv_output_0'], ['/Relu_output_0']],
      ['/pool/MaxPool', 'MaxPool', '', ['/Relu_output_0'], ['/pool/MaxPool_output_0']],
      ['/flatten/Flatten', 'Flatten', '', ['/pool/MaxPool_output_0'], ['/flatten/Flatten_output_0']],
      ['/fc1/Gemm', 'Gemm', '', ['/flatten/Flatten_output_0', 'fc1.weight', 'fc1.bias'], ['/fc1/Gemm_output_0']],
      ['/Relu_1', 'Relu', '', ['/fc1/Gemm_output_0'], ['/Relu_1_output_0']],
      ['/fc2/Gemm', 'Gemm', '', ['/Relu_1_output_0', 'fc2.weight', 'fc2.bias'], ['logits']],
    ]);
    const attrs = (name: string): Record<string, OnnxAttribute> =>
      Object.fromEntries(g.nodes.find((n) => n.name === name)!.attributes);
    expect(attrs('/conv1/Conv')).toEqual({
      dilations: ints(1, 1), group: int(1), kernel_shape: ints(3, 3), pads: ints(1, 1, 1, 1), strides: ints(1, 1),
    });
    expect(attrs('/pool/MaxPool')).toEqual({ ceil_mode: int(0), kernel_shape: ints(2, 2), pads: ints(0, 0, 0, 0), strides: ints(2, 2) });
    expect(attrs('/fc1/Gemm')).toEqual({ alpha: { kind: 'float', value: 1 }, beta: { kind: 'float', value: 1 }, transB: int(1) });
    // The initializers are the state_dict's tensors, bit for bit.
    expect(plainMap(g.initializers)).toEqual(expectedWeights('tiny.weights.json'));
  });

  it('makes Constant-node tensors available like initializers and reads symbolic dimensions', () => {
    const g = load('matmul.onnx');
    expect(g.inputs).toEqual([{ name: 'image', shape: ['batch', 1, 4, 4] }]);
    expect(g.outputs).toEqual([{ name: 'logits', shape: ['batch', 3] }]);
    expect(plainMap(g.initializers).filter(([k]) => !['W', 'b', 'conv.weight', 'onnx::MatMul_24'].includes(k))).toEqual([
      ['/Constant_output_0', [], [0]],
      ['onnx::Unsqueeze_12', [1], [0]],
      ['/Constant_1_output_0', [1], [-1]],
    ]);
  });

  it('reads every supported tensor encoding and attribute type', () => {
    const g = load('datatypes.onnx');
    expect(g.inputs).toEqual([{ name: 'x', shape: ['batch', 3, '?'] }]);
    expect(g.outputs).toEqual([{ name: 'y', shape: [3] }]);
    expect(plainMap(g.initializers)).toEqual([
      ['f32', [2, 2], [0.5, -1.25, 3, Math.fround(1e-3)]], // float_data
      ['f64', [3], [0.1, -2.5, 1e300]], // double_data
      ['i32', [4], [0, -1, 2147483647, -2147483648]], // int32_data
      ['i64', [2, 2], [-5, 2 ** 40, -(2 ** 40), 9007199254740991]], // int64_data
      ['f32_raw', [3], [1.5, Math.fround(-0.1), 7]], // raw_data, little-endian
      ['i64_raw', [2], [-3, 2 ** 33]],
      ['scalar', [], [42]],
      ['c_tensor', [2], [0.25, -8]], // Constant value (a DOUBLE tensor)
      ['c_float', [], [0.75]],
      ['c_floats', [2], [1, -2.5]],
      ['c_int', [], [-7]],
      ['c_ints', [3], [1, -1, 300]],
    ]);
    const attr = (node: string): OnnxAttribute => [...g.nodes.find((n) => n.name === node)!.attributes.values()][0]!;
    expect(attr('c_float')).toEqual({ kind: 'float', value: 0.75 });
    expect(attr('c_floats')).toEqual({ kind: 'floats', value: [1, -2.5] });
    expect(attr('c_int')).toEqual({ kind: 'int', value: -7 });
    expect(attr('c_ints')).toEqual({ kind: 'ints', value: [1, -1, 300] });
    expect(attr('c_string')).toEqual({ kind: 'string', value: 'héllo' });
    expect(attr('c_tensor')).toEqual({ kind: 'tensor', value: { shape: [2], data: Float64Array.of(0.25, -8) } });
  });

  it('names the tensor and data type it cannot read', () => {
    expectWeightError(
      () => load('float16.onnx'),
      "float16.onnx: initializer 'w' has data type 10 (FLOAT16), which is not supported; potgen reads FLOAT (1), DOUBLE (11), INT32 (6) and INT64 (7) tensors.",
    );
    expectWeightError(
      () => load('external.onnx'),
      "external.onnx: initializer 'w' keeps its data in an external file, which is not supported; export the model without external data (it must be smaller than 2 GB).",
    );
  });

  it('rejects files that are not ONNX models', () => {
    expectWeightError(() => readOnnx(new Uint8Array(0), 'empty.onnx'), 'empty.onnx is not a valid ONNX model: the file is empty.');
    expectWeightError(
      () => readOnnx(new TextEncoder().encode('This is not an ONNX model, just text.\n'), 'junk.onnx'),
      'junk.onnx is not a valid ONNX model: field 10 at byte 0 has the invalid wire type 4.',
    );
    expectWeightError(
      () => readOnnx(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00), 'model.pt'),
      'model.pt is not a valid ONNX model: it is a zip archive, perhaps a PyTorch checkpoint saved with torch.save; export the model with torch.onnx.export instead.',
    );
    // A valid protobuf, but a ModelProto with only ir_version = 7 and no graph.
    expectWeightError(() => readOnnx(bytes(0x08, 0x07), 'x.onnx'), 'x.onnx is not a valid ONNX model: it holds no graph (ModelProto field 7).');
    expectWeightError(
      () => readOnnx(bytes(0x08, 0x07, 0x38, 0x01), 'x.onnx'),
      'x.onnx is not a valid ONNX model: ModelProto.graph (field 7 at byte 2) is varint where length-delimited data was expected.',
    );
  });

  it('rejects a truncated file', () => {
    // tiny.onnx: ir_version at byte 0, producer name and version, then the graph (field 7) at
    // byte 19 with 1253 bytes from byte 22, then opset_import at byte 1275.
    const full = fixture('tiny.onnx');
    expectWeightError(
      () => readOnnx(full.subarray(0, 600), 'tiny.onnx'),
      'tiny.onnx is not a valid ONNX model: field 7 at byte 19 declares 1253 bytes but only 578 follow.',
    );
    expectWeightError(
      () => readOnnx(full.subarray(0, 20), 'tiny.onnx'),
      'tiny.onnx is not a valid ONNX model: the data ends in the middle of a varint at byte 20.',
    );
    // Every other prefix fails too, except the one that ends right after the graph: it lacks only
    // the opset_import, which is a well-formed ModelProto that weight import does not need.
    for (let n = 1; n < full.length; n++) {
      if (n === 1275) {
        expect(readOnnx(full.subarray(0, n), 'tiny.onnx').nodes).toHaveLength(7);
      } else {
        expect(() => readOnnx(full.subarray(0, n), 'tiny.onnx')).toThrowError(/^tiny\.onnx is not a valid ONNX model: .*\.$/);
      }
    }
  });

  it('throws only WeightFileErrors on random and mutated bytes', () => {
    const rng = createRng(2024);
    const full = fixture('tiny.onnx');
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      inputs.push(Uint8Array.from({ length: rng.int(1, 200) }, () => rng.int(0, 255)));
      const mutated = full.slice();
      for (let k = rng.int(1, 4); k > 0; k--) mutated[rng.int(0, mutated.length - 1)] = rng.int(0, 255);
      inputs.push(mutated);
    }
    let failures = 0;
    for (const input of inputs) {
      try {
        const g = readOnnx(input, 'fuzz.onnx');
        mapOnnx(g, TINY_LAYERS, 'fuzz.onnx');
      } catch (e) {
        if (!(e instanceof WeightFileError)) throw e;
        expect(e.message).toMatch(/^fuzz\.onnx(:| is not a valid ONNX model: ).*\.$/s);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(300);
  });
});

// ---------------------------------------------------------------------------------------------

describe('mapOnnxToLayers', () => {
  it('imports a Conv/MaxPool/Flatten/Gemm model exactly as PyTorch holds its weights', () => {
    const expected = expectedWeights('tiny.weights.json');
    // The reference numbers are float32 values.
    for (const [, , data] of expected) for (const v of data) expect(Math.fround(v)).toBe(v);
    const tensors = mapOnnx(load('tiny.onnx'), TINY_LAYERS, 'tiny.onnx');
    expect(plainMap(tensors)).toEqual(expected);
  });

  it('imports MatMul+Add, MatMul without bias and a Reshape fed by shape arithmetic', () => {
    const tensors = mapOnnx(load('matmul.onnx'), MATMUL_LAYERS, 'matmul.onnx');
    // fc1.weight is W.T: PyTorch's x @ W keeps W as [in, out].
    expect(plainMap(tensors)).toEqual(expectedWeights('matmul.weights.json'));
  });

  it('transposes a Gemm weight stored [in, out] with transB = 0', () => {
    let g = load('tiny.onnx');
    const w = g.initializers.get('fc1.weight')!; // [4, 8]
    const t = new Float64Array(32);
    for (let o = 0; o < 4; o++) for (let i = 0; i < 8; i++) t[i * 4 + o] = w.data[o * 8 + i]!;
    g = setAttr(g, '/fc1/Gemm', 'transB', int(0));
    g = editInitializers(g, (m) => m.set('fc1.weight', { shape: [8, 4], data: t }));
    expect(plainMap(mapOnnx(g, TINY_LAYERS, 'tiny.onnx'))).toEqual(expectedWeights('tiny.weights.json'));
  });

  it('follows Identity nodes to the weights and takes defaults for absent attributes', () => {
    let g = load('tiny.onnx');
    const identity: OnnxNode = {
      name: 'alias', opType: 'Identity', domain: '', inputs: ['fc1.weight'], outputs: ['fc1.weight_alias'], attributes: new Map(),
    };
    g = { ...g, nodes: [identity, ...g.nodes] };
    g = editNode(g, '/fc1/Gemm', (n) => ({ ...n, inputs: [n.inputs[0]!, 'fc1.weight_alias', n.inputs[2]!] }));
    // Without kernel_shape, the kernel comes from the weight; without strides, dilations and group, 1.
    for (const a of ['kernel_shape', 'strides', 'dilations', 'group']) g = setAttr(g, '/conv1/Conv', a, undefined);
    const layers = withLayer(TINY_LAYERS, 0, { stride: 1 });
    expect(plainMap(mapOnnx(g, layers, 'tiny.onnx'))).toEqual(expectedWeights('tiny.weights.json'));
  });

  it('rejects unsupported operators', () => {
    expectWeightError(
      () => mapOnnx(load('sigmoid.onnx'), TINY_LAYERS, 'sigmoid.onnx'),
      "sigmoid.onnx: node '/Sigmoid' (Sigmoid) is not supported; potgen imports Conv, Gemm/MatMul, MaxPool, AveragePool/GlobalAveragePool, Flatten/Reshape and Relu (the bias of a MatMul comes from the Add after it).",
    );
    expectWeightError(
      () => mapOnnx(load('batchnorm.onnx'), TINY_LAYERS, 'batchnorm.onnx'),
      "batchnorm.onnx: node '/bn1/BatchNormalization' (BatchNormalization) is not supported; potgen imports Conv, Gemm/MatMul, MaxPool, AveragePool/GlobalAveragePool, Flatten/Reshape and Relu (the bias of a MatMul comes from the Add after it). Export the model in eval mode (model.eval()) with do_constant_folding=True, so that torch.onnx.export folds batch normalisation into the convolution.",
    );
    // An Add that does not follow a MatMul, an operator from another domain, an unnamed node.
    const add = editNode(load('tiny.onnx'), '/Relu', (n) => ({ ...n, name: '', opType: 'Add' }));
    expectWeightError(
      () => mapOnnx(add, TINY_LAYERS, 'tiny.onnx'),
      'tiny.onnx: unnamed node 2 (Add) is not supported; potgen imports Conv, Gemm/MatMul, MaxPool, AveragePool/GlobalAveragePool, Flatten/Reshape and Relu (the bias of a MatMul comes from the Add after it).',
    );
    const custom = editNode(load('tiny.onnx'), '/Relu', (n) => ({ ...n, domain: 'com.microsoft' }));
    expectWeightError(
      () => mapOnnx(custom, TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/Relu' (Relu) from domain 'com.microsoft' is not supported; potgen imports Conv, Gemm/MatMul, MaxPool, AveragePool/GlobalAveragePool, Flatten/Reshape and Relu (the bias of a MatMul comes from the Add after it).",
    );
  });

  it('reports a graph with more or fewer layers than the network', () => {
    const g = load('tiny.onnx');
    expectWeightError(
      () => mapOnnx(g, TINY_LAYERS.slice(0, 4), 'tiny.onnx'),
      "tiny.onnx: the ONNX graph has 5 layers (Conv, MaxPool, Flatten, Gemm, Gemm) but the network declares 4 (conv2d, maxPool2d, flatten, dense); node '/fc2/Gemm' (Gemm) has no matching layer.",
    );
    expectWeightError(
      () => mapOnnx(g, TINY_LAYERS.slice(0, 3), 'tiny.onnx'),
      "tiny.onnx: the ONNX graph has 5 layers (Conv, MaxPool, Flatten, Gemm, Gemm) but the network declares 3 (conv2d, maxPool2d, flatten); node '/fc1/Gemm' (Gemm) and node '/fc2/Gemm' (Gemm) have no matching layer.",
    );
    const more: LayerRequest[] = [...TINY_LAYERS, { kind: 'dense', name: 'fc3', outFeatures: 2, inFeatures: 3, bias: true }];
    expectWeightError(
      () => mapOnnx(g, more, 'tiny.onnx'),
      "tiny.onnx: the ONNX graph has 5 layers (Conv, MaxPool, Flatten, Gemm, Gemm) but the network declares 6 (conv2d, maxPool2d, flatten, dense, dense, dense); layer 'fc3' (dense) has no matching ONNX node.",
    );
    expectWeightError(
      () => mapOnnx(g, TINY_LAYERS.slice(1), 'tiny.onnx'),
      "tiny.onnx: the ONNX graph has 5 layers (Conv, MaxPool, Flatten, Gemm, Gemm) but the network declares 4 (maxPool2d, flatten, dense, dense); they first differ at position 1, where layer 'pool' (maxPool2d) meets node '/conv1/Conv' (Conv).",
    );
  });

  it('reports layers in a different order', () => {
    const swapped = [TINY_LAYERS[0]!, TINY_LAYERS[2]!, TINY_LAYERS[1]!, TINY_LAYERS[3]!, TINY_LAYERS[4]!];
    expectWeightError(
      () => mapOnnx(load('tiny.onnx'), swapped, 'tiny.onnx'),
      "tiny.onnx: node '/pool/MaxPool' (MaxPool) stands where the network declares layer 'flatten' (flatten), but a MaxPool node can only import as a maxPool2d layer; the ONNX graph's layers (Conv, MaxPool, Flatten, Gemm, Gemm) must come in the order the network declares its layers (conv2d, flatten, maxPool2d, dense, dense).",
    );
    const convLast = withLayer(MATMUL_LAYERS, 4, { kind: 'conv2d', name: 'c5', outChannels: 3, inChannels: 4, kernel: 1, stride: 1, pad: 0 });
    expectWeightError(
      () => mapOnnx(load('matmul.onnx'), convLast, 'matmul.onnx'),
      "matmul.onnx: node '/fc2/MatMul' (MatMul) stands where the network declares layer 'c5' (conv2d), but a MatMul node can only import as a dense layer; the ONNX graph's layers (Conv, MaxPool, Reshape, MatMul+Add, MatMul) must come in the order the network declares its layers (conv2d, maxPool2d, flatten, dense, conv2d).",
    );
  });

  it('checks Conv attributes against the layer', () => {
    const g = load('tiny.onnx');
    const map = (graph: OnnxGraph, patch: Record<string, unknown> = {}) => () =>
      mapOnnx(graph, withLayer(TINY_LAYERS, 0, patch), 'tiny.onnx');
    expectWeightError(map(g, { kernel: 5 }), "tiny.onnx: node '/conv1/Conv' (Conv) has kernel 3x3 but layer 'conv1' declares kernel 5.");
    expectWeightError(map(g, { stride: 2 }), "tiny.onnx: node '/conv1/Conv' (Conv) has strides 1x1 but layer 'conv1' declares stride 2.");
    expectWeightError(
      map(g, { pad: 0 }),
      "tiny.onnx: node '/conv1/Conv' (Conv) has pads [1, 1, 1, 1] (top, left, bottom, right) but layer 'conv1' declares pad 0 on every side.",
    );
    expectWeightError(
      map(setAttr(g, '/conv1/Conv', 'pads', ints(1, 1, 0, 0))),
      "tiny.onnx: node '/conv1/Conv' (Conv) has pads [1, 1, 0, 0] (top, left, bottom, right) but layer 'conv1' declares pad 1 on every side.",
    );
    expectWeightError(
      map(setAttr(g, '/conv1/Conv', 'group', int(2))),
      "tiny.onnx: node '/conv1/Conv' (Conv) has group 2 (a grouped convolution) but layer 'conv1' is an ordinary convolution; potgen imports only group 1.",
    );
    expectWeightError(
      map(setAttr(g, '/conv1/Conv', 'dilations', ints(2, 2))),
      "tiny.onnx: node '/conv1/Conv' (Conv) has dilations 2x2 but potgen supports only dilation 1 (layer 'conv1').",
    );
    expectWeightError(
      map(setAttr(g, '/conv1/Conv', 'auto_pad', { kind: 'string', value: 'SAME_UPPER' })),
      "tiny.onnx: node '/conv1/Conv' (Conv) has auto_pad SAME_UPPER; potgen imports only explicit pads (auto_pad NOTSET), as torch.onnx.export writes them.",
    );
    expectWeightError(
      map(setAttr(g, '/conv1/Conv', 'strides', { kind: 'int', value: 1 })),
      "tiny.onnx: node '/conv1/Conv' (Conv) has attribute 'strides' of type int where a list of ints was expected.",
    );
  });

  it('checks Conv weight and bias shapes', () => {
    const g = load('tiny.onnx');
    expectWeightError(
      () => mapOnnx(g, withLayer(TINY_LAYERS, 0, { outChannels: 4 }), 'tiny.onnx'),
      "tiny.onnx: node '/conv1/Conv' (Conv) has weight 'conv1.weight' of shape [2, 1, 3, 3] but layer 'conv1' needs [4, 1, 3, 3] (out channels, in channels, kernel, kernel).",
    );
    expectWeightError(
      () => mapOnnx(g, withLayer(TINY_LAYERS, 0, { bias: false }), 'tiny.onnx'),
      "tiny.onnx: node '/conv1/Conv' (Conv) adds a bias but layer 'conv1' declares bias: false; set bias: true on the layer, or export the model without a bias.",
    );
    expectWeightError(
      () => mapOnnx(load('matmul.onnx'), withLayer(MATMUL_LAYERS, 0, { bias: true }), 'matmul.onnx'),
      "matmul.onnx: node '/conv/Conv' (Conv) adds no bias but layer 'conv' declares bias: true; set bias: false on the layer.",
    );
    const shortBias = editInitializers(g, (m) => m.set('conv1.bias', { shape: [3], data: new Float64Array(3) }));
    expectWeightError(
      () => mapOnnx(shortBias, TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/conv1/Conv' (Conv) has bias 'conv1.bias' of shape [3] but layer 'conv1' needs [2] (out channels).",
    );
    const noWeight = editInitializers(g, (m) => m.delete('conv1.weight'));
    expectWeightError(
      () => mapOnnx(noWeight, TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/conv1/Conv' (Conv) reads weight 'conv1.weight', which is neither an initializer nor a Constant, so layer 'conv1' gets no weights.",
    );
  });

  it('checks MaxPool attributes against the layer', () => {
    const g = load('tiny.onnx');
    const map = (graph: OnnxGraph, patch: Record<string, unknown> = {}) => () =>
      mapOnnx(graph, withLayer(TINY_LAYERS, 1, patch), 'tiny.onnx');
    expectWeightError(map(g, { kernel: 3 }), "tiny.onnx: node '/pool/MaxPool' (MaxPool) has kernel 2x2 but layer 'pool' declares kernel 3.");
    expectWeightError(map(g, { stride: 1 }), "tiny.onnx: node '/pool/MaxPool' (MaxPool) has strides 2x2 but layer 'pool' declares stride 1.");
    expectWeightError(
      map(g, { pad: 1 }),
      "tiny.onnx: node '/pool/MaxPool' (MaxPool) has pads [0, 0, 0, 0] (top, left, bottom, right) but layer 'pool' declares pad 1 on every side.",
    );
    expectWeightError(
      map(setAttr(g, '/pool/MaxPool', 'ceil_mode', int(1))),
      "tiny.onnx: node '/pool/MaxPool' (MaxPool) has ceil_mode 1, but layer 'pool' rounds its output size down (ceil_mode 0); export with ceil_mode=False.",
    );
    expectWeightError(
      map(setAttr(g, '/pool/MaxPool', 'kernel_shape', ints(2, 3))),
      "tiny.onnx: node '/pool/MaxPool' (MaxPool) has kernel 2x3 but layer 'pool' declares kernel 2.",
    );
    expectWeightError(
      map(setAttr(g, '/pool/MaxPool', 'kernel_shape', undefined)),
      "tiny.onnx: node '/pool/MaxPool' (MaxPool) has no kernel_shape attribute.",
    );
  });

  it('checks Flatten and Reshape', () => {
    expectWeightError(
      () => mapOnnx(setAttr(load('tiny.onnx'), '/flatten/Flatten', 'axis', int(2)), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/flatten/Flatten' (Flatten) flattens from axis 2 but layer 'flatten' keeps the batch axis and flattens the rest (axis 1).",
    );
    // A Reshape to a constant shape, as torch exports x.view(1, -1) with a fixed batch.
    const reshapeTo = (...target: number[]): OnnxGraph => {
      let g = editInitializers(load('tiny.onnx'), (m) => m.set('target', { shape: [target.length], data: Float64Array.from(target) }));
      g = editNode(g, '/flatten/Flatten', (n) => ({ ...n, name: '/Reshape', opType: 'Reshape', inputs: [n.inputs[0]!, 'target'], attributes: new Map() }));
      return g;
    };
    expect(plainMap(mapOnnx(reshapeTo(1, -1), TINY_LAYERS, 'tiny.onnx'))).toEqual(expectedWeights('tiny.weights.json'));
    expectWeightError(
      () => mapOnnx(reshapeTo(1, 2, 4), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/Reshape' (Reshape) reshapes to [1, 2, 4], but layer 'flatten' flattens to (batch, features); only a reshape to two dimensions imports as flatten.",
    );
  });

  it('checks Gemm attributes, weights and biases', () => {
    const g = load('tiny.onnx');
    expectWeightError(
      () => mapOnnx(g, withLayer(TINY_LAYERS, 3, { inFeatures: 16 }), 'tiny.onnx'),
      "tiny.onnx: node '/fc1/Gemm' (Gemm) has weight 'fc1.weight' of shape [4, 8], i.e. 8 inputs and 4 outputs (transB = 1), but layer 'fc1' declares inFeatures 16 and outFeatures 4.",
    );
    expectWeightError(
      () => mapOnnx(setAttr(g, '/fc1/Gemm', 'transB', undefined), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc1/Gemm' (Gemm) has weight 'fc1.weight' of shape [4, 8], i.e. 4 inputs and 8 outputs (transB = 0), but layer 'fc1' declares inFeatures 8 and outFeatures 4.",
    );
    expectWeightError(
      () => mapOnnx(setAttr(g, '/fc1/Gemm', 'alpha', { kind: 'float', value: 0.5 }), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc1/Gemm' (Gemm) has alpha 0.5 and beta 1; potgen imports Gemm only with alpha = beta = 1 (layer 'fc1').",
    );
    expectWeightError(
      () => mapOnnx(setAttr(g, '/fc1/Gemm', 'transA', int(1)), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc1/Gemm' (Gemm) has transA 1, which potgen does not import (layer 'fc1').",
    );
    expectWeightError(
      () => mapOnnx(editInitializers(g, (m) => m.delete('fc1.weight')), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc1/Gemm' (Gemm) reads weight 'fc1.weight', which is neither an initializer nor a Constant, so layer 'fc1' gets no weights.",
    );
    expectWeightError(
      () => mapOnnx(editInitializers(g, (m) => m.delete('fc2.bias')), TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc2/Gemm' (Gemm) reads bias 'fc2.bias', which is neither an initializer nor a Constant, so layer 'fc2' gets no bias.",
    );
    const noBias = editNode(g, '/fc2/Gemm', (n) => ({ ...n, inputs: n.inputs.slice(0, 2) }));
    expectWeightError(
      () => mapOnnx(noBias, TINY_LAYERS, 'tiny.onnx'),
      "tiny.onnx: node '/fc2/Gemm' (Gemm) adds no bias but layer 'fc2' declares bias: true; set bias: false on the layer.",
    );
    expect([...mapOnnx(noBias, withLayer(TINY_LAYERS, 4, { bias: false }), 'tiny.onnx').keys()]).toEqual([
      'conv1.weight', 'conv1.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight',
    ]);
    // A [1, out] bias, as some exporters write for Gemm's C, is accepted as [out].
    const rowBias = editInitializers(g, (m) => m.set('fc2.bias', { ...m.get('fc2.bias')!, shape: [1, 3] }));
    expect(plainMap(mapOnnx(rowBias, TINY_LAYERS, 'tiny.onnx'))).toEqual(expectedWeights('tiny.weights.json'));
  });

  it('checks MatMul and its Add', () => {
    const g = load('matmul.onnx');
    expectWeightError(
      () => mapOnnx(g, withLayer(MATMUL_LAYERS, 3, { outFeatures: 5 }), 'matmul.onnx'),
      "matmul.onnx: node '/MatMul' (MatMul) has weight 'W' of shape [8, 4], i.e. 8 inputs and 4 outputs, but layer 'fc1' declares inFeatures 8 and outFeatures 5.",
    );
    expectWeightError(
      () => mapOnnx(g, withLayer(MATMUL_LAYERS, 3, { bias: false }), 'matmul.onnx'),
      "matmul.onnx: node '/Add' (Add) adds a bias but layer 'fc1' declares bias: false; set bias: true on the layer, or export the model without a bias.",
    );
    expectWeightError(
      () => mapOnnx(g, withLayer(MATMUL_LAYERS, 4, { bias: true }), 'matmul.onnx'),
      "matmul.onnx: node '/fc2/MatMul' (MatMul) adds no bias but layer 'fc2' declares bias: true; set bias: false on the layer.",
    );
    expectWeightError(
      () => mapOnnx(editInitializers(g, (m) => m.delete('b')), MATMUL_LAYERS, 'matmul.onnx'),
      "matmul.onnx: node '/Add' (Add) reads bias 'b', which is neither an initializer nor a Constant, so layer 'fc1' gets no bias.",
    );
    expectWeightError(
      () => mapOnnx(editInitializers(g, (m) => m.delete('onnx::MatMul_24')), MATMUL_LAYERS, 'matmul.onnx'),
      "matmul.onnx: node '/fc2/MatMul' (MatMul) reads weight 'onnx::MatMul_24', which is neither an initializer nor a Constant, so layer 'fc2' gets no weights.",
    );
    // The bias may come first: Add(b, MatMul(x, W)).
    const swapped = editNode(g, '/Add', (n) => ({ ...n, inputs: [n.inputs[1]!, n.inputs[0]!] }));
    expect(plainMap(mapOnnx(swapped, MATMUL_LAYERS, 'matmul.onnx'))).toEqual(expectedWeights('matmul.weights.json'));
  });
});

describe('mapOnnxToLayers: average pooling', () => {
  const WEIGHTED_SPEC = { weights: { kind: 'pot', bits: 4 }, activationBits: 8, pe: 1, simd: 1, shift: undefined, activation: 'relu', bias: true, weightStorage: 'rom' } as const;
  const avg = (pool1: Partial<{ kernel: number; stride: number; padding: number; global: boolean }>, gap: Partial<{ kernel: number; global: boolean }> = { global: true }): OnnxLayer[] => [
    { spec: { ...WEIGHTED_SPEC, kind: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3, stride: 1, padding: 'same' }, input: { height: 8, width: 8, channels: 1 } },
    {
      spec: { kind: 'avgPool2d', name: 'pool1', global: pool1.global ?? false, kernel: pool1.kernel ?? 3, stride: pool1.stride ?? 2, padding: pool1.padding ?? 1 },
      input: { height: 8, width: 8, channels: 4 },
    },
    { spec: { ...WEIGHTED_SPEC, kind: 'conv2d', name: 'conv2', outChannels: 4, kernel: 3, stride: 1, padding: 'same' }, input: { height: 4, width: 4, channels: 4 } },
    { spec: { kind: 'avgPool2d', name: 'gap', global: gap.global ?? false, kernel: gap.kernel, stride: undefined, padding: undefined }, input: { height: 4, width: 4, channels: 4 } },
    { spec: { kind: 'flatten', name: 'flatten' }, input: { height: 1, width: 1, channels: 4 } },
    { spec: { ...WEIGHTED_SPEC, kind: 'dense', name: 'fc', outFeatures: 3, activation: 'none' }, input: { height: 1, width: 1, channels: 4 } },
  ];
  const g = () => load('avgpool.onnx');

  it('folds the zero Pad PyTorch writes before AveragePool into the layer padding', () => {
    expect([...mapOnnxToLayers(g(), avg({}), 'avgpool.onnx').keys()].sort()).toEqual(
      ['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'fc.bias', 'fc.weight'],
    );
    expectWeightError(
      () => mapOnnxToLayers(g(), avg({ padding: 0 }), 'avgpool.onnx'),
      "avgpool.onnx: node '/pool1/AveragePool' (AveragePool) with the node '/pool1/Pad' (Pad) before it pads [1, 1, 1, 1] (top, left, bottom, right) but layer 'pool1' declares pad 0 on every side.",
    );
    expectWeightError(
      () => mapOnnxToLayers(setAttr(g(), '/pool1/Pad', 'mode', { kind: 'string', value: 'reflect' }), avg({}), 'avgpool.onnx'),
      "avgpool.onnx: node '/pool1/Pad' (Pad) pads in mode reflect; potgen folds only zero (constant) padding into the pool after it.",
    );
  });

  it("accepts AveragePool's own padding only when it counts the padding (count_include_pad 1)", () => {
    // Without the Pad node: the AveragePool pads by itself.
    const own = (countIncludePad: number) => {
      let graph = editNode(g(), '/pool1/AveragePool', (n) => ({ ...n, inputs: ['/Relu_output_0'] }));
      graph = { ...graph, nodes: graph.nodes.filter((n) => n.name !== '/pool1/Pad') };
      graph = setAttr(graph, '/pool1/AveragePool', 'pads', ints(1, 1, 1, 1));
      return setAttr(graph, '/pool1/AveragePool', 'count_include_pad', int(countIncludePad));
    };
    expect(mapOnnxToLayers(own(1), avg({}), 'avgpool.onnx').size).toBe(6);
    expectWeightError(
      () => mapOnnxToLayers(own(0), avg({}), 'avgpool.onnx'),
      "avgpool.onnx: node '/pool1/AveragePool' (AveragePool) leaves the padding out of its averages (count_include_pad 0), but layer 'pool1' divides by the whole 3x3 window, as PyTorch's AvgPool2d does by default; export with count_include_pad=True.",
    );
  });

  it('maps GlobalAveragePool only onto a global layer', () => {
    expectWeightError(
      () => mapOnnxToLayers(g(), avg({}, { kernel: 4, global: false }), 'avgpool.onnx'),
      "avgpool.onnx: node '/gap/GlobalAveragePool' (GlobalAveragePool) averages the whole map, but layer 'gap' declares a 4x4 window; use avgPool2d({ name: 'gap', global: true }).",
    );
  });
});
