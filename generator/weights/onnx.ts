/**
 * Imports trained weights from ONNX models as PyTorch's `torch.onnx.export` writes them.
 *
 * `readOnnx` decodes the parts of a ModelProto that weight import needs (nodes, initializers,
 * Constant-node tensors, graph inputs and outputs) with the small protobuf reader in protobuf.ts;
 * `mapOnnxToLayers` matches the graph's Conv / MaxPool / Flatten / Gemm / MatMul+Add nodes one to
 * one with the layers a potgen network declares, checks every attribute and shape, and returns the
 * tensors in potgen's (PyTorch's) layout: `<layer>.weight` [out, in, k, k] or [out, in] and
 * `<layer>.bias` [out].
 *
 * Field numbers are those of onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 */

import { WeightFileError } from '../core/errors.ts';
import type { NdArray } from '../core/tensors.ts';
import {
  ProtobufError,
  bytesOf,
  decodeMessage,
  fieldsNumbered,
  floatOf,
  intOf,
  lastField,
  messageOf,
  repeatedFixed,
  repeatedInts,
  repeatedVarints,
  stringOf,
  type ProtoMessage,
} from './protobuf.ts';

// ---------------------------------------------------------------------------------------------
// The decoded model

/** An attribute of a node, for the attribute types weight import needs. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: NdArray };

/** One node of the graph. Attributes of other types (graphs, sparse tensors, …) are left out. */
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  /** The operator set domain; '' (or 'ai.onnx') for the standard operators. */
  readonly domain: string;
  /** Input tensor names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A graph input or output: its name and shape (a number per fixed dimension, a name per symbolic one, '?' when unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: (number | string)[];
}

/** The parts of an ONNX graph that weight import needs. */
export interface OnnxGraph {
  readonly name: string;
  /** Nodes in graph (topological) order, Constant nodes included. */
  readonly nodes: readonly OnnxNode[];
  /**
   * The graph's initializers, plus the tensor of every Constant node under the node's output name
   * (PyTorch writes e.g. Reshape's target shape as a Constant node).
   */
  readonly initializers: ReadonlyMap<string, NdArray>;
  /** The graph's real inputs: names that are also initializers (as old exporters list them) are left out. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

// TensorProto.DataType
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;
const DATA_TYPE_NAMES: readonly string[] = [
  'UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL',
  'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16', 'FLOAT8E4M3FN',
  'FLOAT8E4M3FNUZ', 'FLOAT8E5M2', 'FLOAT8E5M2FNUZ', 'UINT4', 'INT4', 'FLOAT4E2M1',
];

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

/**
 * Decodes an ONNX model. `where` names the file in error messages. Structural damage (random
 * bytes, a truncated file, a protobuf that is not a ModelProto with a graph) throws
 * "<where> is not a valid ONNX model: …"; tensors of unsupported data types or with external data
 * throw a WeightFileError naming the tensor.
 */
export function readOnnx(bytes: Uint8Array, where: string): OnnxGraph {
  const invalid = (detail: string): WeightFileError =>
    new WeightFileError(`${where} is not a valid ONNX model: ${detail}.`);
  if (bytes.length === 0) throw invalid('the file is empty');
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw invalid(
      'it is a zip archive, perhaps a PyTorch checkpoint saved with torch.save; export the model with torch.onnx.export instead',
    );
  }
  try {
    const model = decodeMessage(bytes);
    const graphField = lastField(model, 7);
    if (!graphField) throw new ProtobufError('it holds no graph (ModelProto field 7)');
    return decodeGraph(messageOf(graphField, 'ModelProto.graph'), where);
  } catch (e) {
    if (e instanceof ProtobufError) throw invalid(e.message);
    throw e;
  }
}

function decodeGraph(g: ProtoMessage, where: string): OnnxGraph {
  const nameField = lastField(g, 2);
  const name = nameField ? stringOf(nameField, 'GraphProto.name') : '';
  const nodes = fieldsNumbered(g, 1).map((f) => decodeNode(messageOf(f, 'GraphProto.node'), where));
  const initializers = new Map<string, NdArray>();
  for (const f of fieldsNumbered(g, 5)) {
    const t = messageOf(f, 'GraphProto.initializer');
    const tensorName = tensorNameOf(t);
    initializers.set(tensorName, decodeTensor(t, `initializer '${tensorName}'`, where));
  }
  // Constant nodes' tensors are made available like initializers, under the output name. Constants
  // of other kinds (strings, sparse tensors) are left out; a layer that reads one reports it.
  for (const node of nodes) {
    if (node.opType !== 'Constant' || !isStandard(node) || !node.outputs[0]) continue;
    const value = constantValue(node);
    if (value) initializers.set(node.outputs[0], value);
  }
  const inputs = fieldsNumbered(g, 11)
    .map((f) => decodeValueInfo(messageOf(f, 'GraphProto.input')))
    .filter((v) => !initializers.has(v.name));
  const outputs = fieldsNumbered(g, 12).map((f) => decodeValueInfo(messageOf(f, 'GraphProto.output')));
  return { name, nodes, initializers, inputs, outputs };
}

function isStandard(node: OnnxNode): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

function constantValue(node: OnnxNode): NdArray | undefined {
  const a = node.attributes;
  const value = a.get('value') ?? a.get('value_float') ?? a.get('value_floats') ?? a.get('value_int') ?? a.get('value_ints');
  if (!value) return undefined;
  switch (value.kind) {
    case 'tensor':
      return value.value;
    case 'float':
    case 'int':
      return { shape: [], data: Float64Array.of(value.value) };
    case 'floats':
    case 'ints':
      return { shape: [value.value.length], data: Float64Array.from(value.value) };
    default:
      return undefined;
  }
}

function decodeNode(n: ProtoMessage, where: string): OnnxNode {
  const str = (num: number, what: string): string => {
    const f = lastField(n, num);
    return f ? stringOf(f, what) : '';
  };
  const name = str(3, 'NodeProto.name');
  const opType = str(4, 'NodeProto.op_type');
  const domain = str(7, 'NodeProto.domain');
  const inputs = fieldsNumbered(n, 1).map((f) => stringOf(f, 'NodeProto.input'));
  const outputs = fieldsNumbered(n, 2).map((f) => stringOf(f, 'NodeProto.output'));
  const attributes = new Map<string, OnnxAttribute>();
  for (const f of fieldsNumbered(n, 5)) {
    const a = messageOf(f, 'NodeProto.attribute');
    const nf = lastField(a, 1);
    const attrName = nf ? stringOf(nf, 'AttributeProto.name') : '';
    const label = `attribute '${attrName}' of node '${name}' (${opType})`;
    const value = decodeAttribute(a, label, where);
    if (value) attributes.set(attrName, value);
  }
  return { name, opType, domain, inputs, outputs, attributes };
}

function decodeAttribute(a: ProtoMessage, label: string, where: string): OnnxAttribute | undefined {
  const typeField = lastField(a, 20);
  let type = typeField ? intOf(typeField, 'AttributeProto.type') : 0;
  if (type === 0) {
    // Files from before IR version 2 carry no type: infer it from the field that is set.
    const present = (num: number): boolean => lastField(a, num) !== undefined;
    type = present(2) ? ATTR_FLOAT : present(3) ? ATTR_INT : present(4) ? ATTR_STRING : present(5) ? ATTR_TENSOR
      : present(7) ? ATTR_FLOATS : present(8) ? ATTR_INTS : 0;
  }
  const single = (num: number): ReturnType<typeof lastField> => lastField(a, num);
  switch (type) {
    case ATTR_FLOAT: {
      const f = single(2);
      return { kind: 'float', value: f ? floatOf(f, 'AttributeProto.f') : 0 };
    }
    case ATTR_INT: {
      const f = single(3);
      return { kind: 'int', value: f ? intOf(f, 'AttributeProto.i') : 0 };
    }
    case ATTR_STRING: {
      const f = single(4);
      // `s` is declared as bytes; ONNX writes UTF-8 text there.
      return { kind: 'string', value: f ? new TextDecoder('utf-8').decode(bytesOf(f, 'AttributeProto.s').bytes) : '' };
    }
    case ATTR_TENSOR: {
      const f = single(5);
      if (!f) throw new ProtobufError(`${label} is a tensor attribute without a tensor`);
      const t = messageOf(f, 'AttributeProto.t');
      const tensorName = tensorNameOf(t);
      return { kind: 'tensor', value: decodeTensor(t, tensorName ? `tensor '${tensorName}' in ${label}` : `the tensor in ${label}`, where) };
    }
    case ATTR_FLOATS:
      return { kind: 'floats', value: repeatedFixed(a, 7, 4, 'AttributeProto.floats') };
    case ATTR_INTS:
      return { kind: 'ints', value: repeatedInts(a, 8, 'AttributeProto.ints') };
    default:
      return undefined;
  }
}

function tensorNameOf(t: ProtoMessage): string {
  const f = lastField(t, 8);
  return f ? stringOf(f, 'TensorProto.name') : '';
}

/** Decodes a TensorProto of type FLOAT, DOUBLE, INT32 or INT64 into a float64 array. */
function decodeTensor(t: ProtoMessage, label: string, where: string): NdArray {
  const shape = repeatedInts(t, 1, 'TensorProto.dims');
  const typeField = lastField(t, 2);
  const dataType = typeField ? intOf(typeField, 'TensorProto.data_type') : 0;
  const location = lastField(t, 14);
  if ((location && intOf(location, 'TensorProto.data_location') === 1) || lastField(t, 13)) {
    throw new WeightFileError(
      `${where}: ${label} keeps its data in an external file, which is not supported; export the model without external data (it must be smaller than 2 GB).`,
    );
  }
  if (dataType !== FLOAT && dataType !== DOUBLE && dataType !== INT32 && dataType !== INT64) {
    const typeName = DATA_TYPE_NAMES[dataType];
    throw new WeightFileError(
      `${where}: ${label} has data type ${dataType}${typeName ? ` (${typeName})` : ''}, which is not supported; potgen reads FLOAT (1), DOUBLE (11), INT32 (6) and INT64 (7) tensors.`,
    );
  }
  if (shape.some((d) => d < 0)) {
    throw new WeightFileError(`${where}: ${label} has a negative dimension in its dims [${shape.join(', ')}].`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const typeName = DATA_TYPE_NAMES[dataType] as string;
  const raw = lastField(t, 9);
  let data: Float64Array;
  if (raw) {
    const { bytes } = bytesOf(raw, 'TensorProto.raw_data');
    const size = dataType === FLOAT || dataType === INT32 ? 4 : 8;
    if (bytes.length !== count * size) {
      throw new WeightFileError(
        `${where}: ${label} has dims [${shape.join(', ')}] (${count} values of ${size} bytes) but its raw_data holds ${bytes.length} bytes.`,
      );
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const off = i * size;
      data[i] =
        dataType === FLOAT ? view.getFloat32(off, true)
        : dataType === DOUBLE ? view.getFloat64(off, true)
        : dataType === INT32 ? view.getInt32(off, true)
        : Number(view.getBigInt64(off, true));
    }
  } else {
    let values: ArrayLike<number>;
    let field: string;
    if (dataType === FLOAT) {
      field = 'float_data';
      values = repeatedFixed(t, 4, 4, 'TensorProto.float_data');
    } else if (dataType === DOUBLE) {
      field = 'double_data';
      values = repeatedFixed(t, 10, 8, 'TensorProto.double_data');
    } else {
      // int32_data holds int32 sign-extended to 64 bits; int64 beyond ±2^53 rounds to the nearest double.
      field = dataType === INT32 ? 'int32_data' : 'int64_data';
      values = repeatedVarints(t, dataType === INT32 ? 5 : 7, `TensorProto.${field}`).map(([v]) =>
        Number(BigInt.asIntN(dataType === INT32 ? 32 : 64, v)),
      );
    }
    if (values.length !== count) {
      throw new WeightFileError(
        `${where}: ${label} has dims [${shape.join(', ')}] (${count} values) but holds ${values.length} ${typeName} values in ${field}.`,
      );
    }
    data = Float64Array.from(values);
  }
  return { shape, data };
}

function decodeValueInfo(v: ProtoMessage): OnnxValueInfo {
  const nf = lastField(v, 1);
  const name = nf ? stringOf(nf, 'ValueInfoProto.name') : '';
  const shape: (number | string)[] = [];
  const typeField = lastField(v, 2);
  const tensorType = typeField ? lastField(messageOf(typeField, 'ValueInfoProto.type'), 1) : undefined;
  const shapeField = tensorType ? lastField(messageOf(tensorType, 'TypeProto.tensor_type'), 2) : undefined;
  if (shapeField) {
    for (const d of fieldsNumbered(messageOf(shapeField, 'TypeProto.Tensor.shape'), 1)) {
      const dim = messageOf(d, 'TensorShapeProto.dim');
      const value = lastField(dim, 1);
      const param = lastField(dim, 2);
      shape.push(
        value ? intOf(value, 'Dimension.dim_value') : param ? stringOf(param, 'Dimension.dim_param') : '?',
      );
    }
  }
  return { name, shape };
}

// ---------------------------------------------------------------------------------------------
// Matching the graph with the network's layers

/** A layer as the potgen network declares it, in network order. */
export type LayerRequest =
  | {
      readonly kind: 'conv2d';
      readonly name: string;
      readonly outChannels: number;
      readonly inChannels: number;
      readonly kernel: number;
      readonly stride: number;
      readonly pad: number;
      readonly bias: boolean;
    }
  | { readonly kind: 'maxPool2d'; readonly name: string; readonly kernel: number; readonly stride: number; readonly pad: number }
  | { readonly kind: 'flatten'; readonly name: string }
  | {
      readonly kind: 'dense';
      readonly name: string;
      readonly outFeatures: number;
      readonly inFeatures: number;
      readonly bias: boolean;
    };

type Kind = LayerRequest['kind'];

/** An ONNX node (or MatMul+Add pair) that imports as one potgen layer. */
interface LayerNode {
  readonly kind: Kind;
  readonly node: OnnxNode;
  readonly index: number;
  /** For MatMul: the Add that adds the bias, if any. */
  readonly add?: { readonly node: OnnxNode; readonly index: number };
}

const SUPPORTED = 'potgen imports Conv, Relu, MaxPool, Flatten/Reshape, Gemm, MatMul+Add.';
const PASS_THROUGH = new Set(['Relu', 'Identity', 'Dropout']);
const LAYER_OPS: Readonly<Record<string, Kind>> = {
  Conv: 'conv2d',
  MaxPool: 'maxPool2d',
  Flatten: 'flatten',
  Reshape: 'flatten',
  Gemm: 'dense',
  MatMul: 'dense',
};

function nodeLabel(node: OnnxNode, index: number): string {
  return node.name ? `node '${node.name}' (${node.opType})` : `unnamed node ${index + 1} (${node.opType})`;
}

function layerNodeOps(l: LayerNode): string {
  return l.add ? 'MatMul+Add' : l.node.opType;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function fmtShape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** "a", "a and b", "a, b and c" */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Matches the graph's layer nodes, in graph order, one to one with `layers`, checks their
 * attributes and weight shapes, and returns `<layer>.weight` / `<layer>.bias` tensors in potgen's
 * layout (conv [out, in, k, k], dense [out, in], bias [out]) as fresh float64 arrays.
 *
 * Relu, Identity and Dropout are skipped, as are Constant nodes and nodes that only compute a
 * Reshape's target shape (as PyTorch exports `x.view(x.size(0), -1)` with a dynamic batch).
 * Weights may be initializers or Constant outputs, also through Identity nodes.
 */
export function mapOnnxToLayers(graph: OnnxGraph, layers: readonly LayerRequest[], where: string): Map<string, NdArray> {
  const { nodes } = graph;
  const fail = (message: string): never => {
    throw new WeightFileError(`${where}: ${message}`);
  };

  // Who reads each tensor, and which tensors leave the graph.
  const consumers = new Map<string, Array<{ node: number; input: number }>>();
  nodes.forEach((node, i) =>
    node.inputs.forEach((name, k) => {
      if (!name) return;
      let list = consumers.get(name);
      if (!list) consumers.set(name, (list = []));
      list.push({ node: i, input: k });
    }),
  );
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));

  // Nodes whose results feed only Reshape target shapes (Shape -> Gather -> Unsqueeze -> Concat).
  const shapeOnly = new Set<number>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as OnnxNode;
    if (node.outputs.length === 0) continue;
    const feedsOnlyShapes = node.outputs.every((out) => {
      const readers = consumers.get(out) ?? [];
      return (
        !graphOutputs.has(out) &&
        readers.length > 0 &&
        readers.every((r) => (nodes[r.node]?.opType === 'Reshape' && r.input === 1) || shapeOnly.has(r.node))
      );
    });
    if (feedsOnlyShapes) shapeOnly.add(i);
  }

  // Identity nodes make aliases of tensors (PyTorch uses them for shared parameters).
  const aliases = new Map<string, string>();
  for (const node of nodes) {
    if (node.opType === 'Identity' && isStandard(node) && node.inputs[0] && node.outputs[0]) {
      aliases.set(node.outputs[0], node.inputs[0]);
    }
  }
  const constant = (name: string): NdArray | undefined => {
    const seen = new Set<string>();
    let n = name;
    while (!graph.initializers.has(n) && aliases.has(n) && !seen.has(n)) {
      seen.add(n);
      n = aliases.get(n) as string;
    }
    return graph.initializers.get(n);
  };
  const skippable = (i: number): boolean => {
    const node = nodes[i] as OnnxNode;
    return shapeOnly.has(i) || (isStandard(node) && (node.opType === 'Constant' || PASS_THROUGH.has(node.opType)));
  };

  // The graph's layers, in graph order.
  const found: LayerNode[] = [];
  const usedAdds = new Set<number>();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as OnnxNode;
    if (skippable(i) || usedAdds.has(i)) continue;
    const kind = isStandard(node) ? LAYER_OPS[node.opType] : undefined;
    if (!kind) {
      const hint =
        node.opType === 'BatchNormalization'
          ? ' Export the model in eval mode (model.eval()) with do_constant_folding=True, so that torch.onnx.export folds batch normalisation into the convolution.'
          : '';
      const domain = isStandard(node) ? '' : ` from domain '${node.domain}'`;
      fail(`${nodeLabel(node, i)}${domain} is not supported; ${SUPPORTED}${hint}`);
    }
    if (node.opType === 'MatMul') {
      let j = i + 1;
      while (j < nodes.length && (shapeOnly.has(j) || nodes[j]?.opType === 'Constant')) j++;
      const next = nodes[j];
      const out = node.outputs[0];
      if (next && isStandard(next) && next.opType === 'Add' && out && next.inputs.includes(out)) {
        usedAdds.add(j);
        found.push({ kind: 'dense', node, index: i, add: { node: next, index: j } });
        continue;
      }
    }
    found.push({ kind: kind as Kind, node, index: i });
  }

  // The two sequences must agree in length and in kind, position by position.
  const onnxOps = `(${found.map(layerNodeOps).join(', ')})`;
  const declared = `(${layers.map((l) => l.kind).join(', ')})`;
  const counts = `the ONNX graph has ${found.length} layers ${onnxOps} but the network declares ${layers.length} ${declared}`;
  const common = Math.min(found.length, layers.length);
  for (let p = 0; p < common; p++) {
    const f = found[p] as LayerNode;
    const l = layers[p] as LayerRequest;
    if (f.kind === l.kind) continue;
    const nl = nodeLabel(f.node, f.index);
    if (found.length !== layers.length) {
      fail(`${counts}; they first differ at position ${p + 1}, where layer '${l.name}' (${l.kind}) meets ${nl}.`);
    }
    fail(
      `${nl} stands where the network declares layer '${l.name}' (${l.kind}), but a ${layerNodeOps(f)} node can only import as a ${f.kind} layer; the ONNX graph's layers ${onnxOps} must come in the order the network declares its layers ${declared}.`,
    );
  }
  if (found.length > layers.length) {
    const extra = found.slice(common).map((f) => nodeLabel(f.node, f.index));
    fail(`${counts}; ${andList(extra)} ${extra.length === 1 ? 'has' : 'have'} no matching layer.`);
  }
  if (layers.length > found.length) {
    const extra = layers.slice(common).map((l) => `layer '${l.name}' (${l.kind})`);
    fail(`${counts}; ${andList(extra)} ${extra.length === 1 ? 'has' : 'have'} no matching ONNX node.`);
  }

  // Each pair: attributes, shapes, tensors.
  const tensors = new Map<string, NdArray>();
  found.forEach((f, p) => {
    const req = layers[p] as LayerRequest;
    const nl = nodeLabel(f.node, f.index);
    const attrs = new Attributes(f.node, nl, fail);
    const weightOf = (): { name: string; value: NdArray } => {
      const name = f.node.inputs[1];
      if (!name) return fail(`${nl} has no weight input, so layer '${req.name}' gets no weights.`);
      const value = constant(name);
      if (!value) {
        return fail(`${nl} reads weight '${name}', which is neither an initializer nor a Constant, so layer '${req.name}' gets no weights.`);
      }
      return { name, value };
    };
    const biasOf = (reader: string, name: string | undefined, out: number): Float64Array | undefined => {
      if (!name) return undefined;
      const value = constant(name);
      if (!value) {
        return fail(`${reader} reads bias '${name}', which is neither an initializer nor a Constant, so layer '${req.name}' gets no bias.`);
      }
      const ok = sameShape(value.shape, [out]) || sameShape(value.shape, [1, out]);
      if (!ok) {
        const meaning = req.kind === 'conv2d' ? 'out channels' : 'out features';
        fail(`${reader} has bias '${name}' of shape ${fmtShape(value.shape)} but layer '${req.name}' needs [${out}] (${meaning}).`);
      }
      return Float64Array.from(value.data);
    };
    const checkBias = (reader: string, bias: Float64Array | undefined, declared: boolean, out: number): void => {
      if (bias && !declared) {
        fail(`${reader} adds a bias but layer '${req.name}' declares bias: false; set bias: true on the layer, or export the model without a bias.`);
      }
      if (!bias && declared) {
        fail(`${reader} adds no bias but layer '${req.name}' declares bias: true; set bias: false on the layer.`);
      }
      if (bias) tensors.set(`${req.name}.bias`, { shape: [out], data: bias });
    };

    switch (req.kind) {
      case 'conv2d': {
        attrs.noAutoPad();
        const group = attrs.int('group', 1);
        if (group !== 1) {
          fail(`${nl} has group ${group} (a grouped convolution) but layer '${req.name}' is an ordinary convolution; potgen imports only group 1.`);
        }
        const w = weightOf();
        const kernel = attrs.ints('kernel_shape', w.value.shape.slice(2));
        attrs.check2d('dilations', 1, (d) => `has dilations ${d} but potgen supports only dilation 1 (layer '${req.name}').`);
        attrs.checkKernel(kernel, req.kernel, req.name);
        attrs.check2d('strides', req.stride, (s) => `has strides ${s} but layer '${req.name}' declares stride ${req.stride}.`);
        attrs.checkPads(req.pad, req.name);
        const need = [req.outChannels, req.inChannels, req.kernel, req.kernel];
        if (!sameShape(w.value.shape, need)) {
          fail(`${nl} has weight '${w.name}' of shape ${fmtShape(w.value.shape)} but layer '${req.name}' needs ${fmtShape(need)} (out channels, in channels, kernel, kernel).`);
        }
        tensors.set(`${req.name}.weight`, { shape: need, data: Float64Array.from(w.value.data) });
        checkBias(nl, biasOf(nl, f.node.inputs[2], req.outChannels), req.bias, req.outChannels);
        break;
      }
      case 'maxPool2d': {
        attrs.noAutoPad();
        if (!f.node.attributes.has('kernel_shape')) fail(`${nl} has no kernel_shape attribute.`);
        attrs.checkKernel(attrs.ints('kernel_shape', []), req.kernel, req.name);
        attrs.check2d('strides', req.stride, (s) => `has strides ${s} but layer '${req.name}' declares stride ${req.stride}.`);
        attrs.checkPads(req.pad, req.name);
        const ceil = attrs.int('ceil_mode', 0);
        if (ceil !== 0) {
          fail(`${nl} has ceil_mode ${ceil}, but layer '${req.name}' rounds its output size down (ceil_mode 0); export with ceil_mode=False.`);
        }
        attrs.check2d('dilations', 1, (d) => `has dilations ${d} but potgen supports only dilation 1 (layer '${req.name}').`);
        break;
      }
      case 'flatten': {
        if (f.node.opType === 'Flatten') {
          const axis = attrs.int('axis', 1);
          if (axis !== 1) {
            fail(`${nl} flattens from axis ${axis} but layer '${req.name}' keeps the batch axis and flattens the rest (axis 1).`);
          }
        } else {
          // Reshape: a constant target shape must have two entries (batch, features); a shape
          // computed at run time (dynamic batch) is accepted as it is.
          const shapeName = f.node.inputs[1];
          const target = shapeName ? constant(shapeName) : undefined;
          if (target && target.data.length !== 2) {
            fail(`${nl} reshapes to ${fmtShape([...target.data])}, but layer '${req.name}' flattens to (batch, features); only a reshape to two dimensions imports as flatten.`);
          }
        }
        break;
      }
      case 'dense': {
        const w = weightOf();
        let transposed: boolean; // whether the stored weight is [in, out]
        let note = '';
        if (f.node.opType === 'Gemm') {
          const transA = attrs.int('transA', 0);
          if (transA !== 0) fail(`${nl} has transA ${transA}, which potgen does not import (layer '${req.name}').`);
          const alpha = attrs.float('alpha', 1);
          const beta = attrs.float('beta', 1);
          if (alpha !== 1 || beta !== 1) {
            fail(`${nl} has alpha ${alpha} and beta ${beta}; potgen imports Gemm only with alpha = beta = 1 (layer '${req.name}').`);
          }
          const transB = attrs.int('transB', 0);
          transposed = transB === 0;
          note = ` (transB = ${transB})`;
        } else {
          transposed = true;
        }
        const s = w.value.shape;
        const [rows, cols] = [s[0] ?? 0, s[1] ?? 0];
        const [inF, outF] = transposed ? [rows, cols] : [cols, rows];
        if (s.length !== 2 || inF !== req.inFeatures || outF !== req.outFeatures) {
          const io = s.length === 2 ? `, i.e. ${inF} inputs and ${outF} outputs${note},` : '';
          fail(`${nl} has weight '${w.name}' of shape ${fmtShape(s)}${io} but layer '${req.name}' declares inFeatures ${req.inFeatures} and outFeatures ${req.outFeatures}.`);
        }
        const data = new Float64Array(outF * inF);
        for (let o = 0; o < outF; o++) {
          for (let i = 0; i < inF; i++) {
            data[o * inF + i] = w.value.data[transposed ? i * outF + o : o * inF + i] as number;
          }
        }
        tensors.set(`${req.name}.weight`, { shape: [outF, inF], data });
        if (f.node.opType === 'Gemm') {
          checkBias(nl, biasOf(nl, f.node.inputs[2], outF), req.bias, outF);
        } else if (f.add) {
          const al = nodeLabel(f.add.node, f.add.index);
          const fromMatMul = f.add.node.inputs.indexOf(f.node.outputs[0] as string);
          const other = f.add.node.inputs.find((_, k) => k !== fromMatMul);
          checkBias(al, biasOf(al, other ?? '', outF), req.bias, outF);
        } else {
          checkBias(nl, undefined, req.bias, outF);
        }
        break;
      }
    }
  });
  return tensors;
}

/** Typed access to a node's attributes, with ONNX's defaults and potgen's checks. */
class Attributes {
  constructor(
    private readonly node: OnnxNode,
    private readonly label: string,
    private readonly fail: (message: string) => never,
  ) {}

  private wrongType(name: string, expected: string): never {
    const a = this.node.attributes.get(name) as OnnxAttribute;
    return this.fail(`${this.label} has attribute '${name}' of type ${a.kind} where ${expected} was expected.`);
  }

  int(name: string, dflt: number): number {
    const a = this.node.attributes.get(name);
    if (!a) return dflt;
    if (a.kind !== 'int') return this.wrongType(name, 'an int');
    return a.value;
  }

  float(name: string, dflt: number): number {
    const a = this.node.attributes.get(name);
    if (!a) return dflt;
    if (a.kind !== 'float') return this.wrongType(name, 'a float');
    return a.value;
  }

  ints(name: string, dflt: readonly number[]): readonly number[] {
    const a = this.node.attributes.get(name);
    if (!a) return dflt;
    if (a.kind !== 'ints') return this.wrongType(name, 'a list of ints');
    return a.value;
  }

  noAutoPad(): void {
    const a = this.node.attributes.get('auto_pad');
    if (!a) return;
    if (a.kind !== 'string') this.wrongType('auto_pad', 'a string');
    else if (a.value !== 'NOTSET') {
      this.fail(`${this.label} has auto_pad ${a.value}; potgen imports only explicit pads (auto_pad NOTSET), as torch.onnx.export writes them.`);
    }
  }

  /** Checks that a two-element attribute (strides, dilations) is [v, v], defaulting to 1s. */
  check2d(name: string, v: number, message: (shown: string) => string): void {
    const values = this.ints(name, [1, 1]);
    if (values.length !== 2 || values.some((x) => x !== v)) this.fail(`${this.label} ${message(values.join('x'))}`);
  }

  checkKernel(kernel: readonly number[], k: number, layer: string): void {
    if (kernel.length !== 2 || kernel.some((x) => x !== k)) {
      this.fail(`${this.label} has kernel ${kernel.join('x')} but layer '${layer}' declares kernel ${k}.`);
    }
  }

  checkPads(pad: number, layer: string): void {
    const pads = this.ints('pads', [0, 0, 0, 0]);
    if (pads.length !== 4 || pads.some((x) => x !== pad)) {
      this.fail(`${this.label} has pads ${fmtShape(pads)} (top, left, bottom, right) but layer '${layer}' declares pad ${pad} on every side.`);
    }
  }
}
