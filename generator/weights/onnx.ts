/**
 * Reads ONNX models as PyTorch's `torch.onnx.export` writes them: `readOnnx` decodes the parts of
 * a ModelProto that weight import needs (nodes, initializers, Constant-node tensors, graph inputs
 * and outputs) with the small protobuf reader in protobuf.ts. Matching the graph with a network's
 * layers is onnxLayers.ts.
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

/** Whether a node is a standard ONNX operator (domain '' or 'ai.onnx'). */
export function isStandard(node: OnnxNode): boolean {
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
