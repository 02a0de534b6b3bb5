/**
 * Matches an ONNX graph's layer nodes, in graph order, one to one with the layers a potgen network
 * declares, and lets each layer kind (generator/layers) check its node's attributes and take its
 * tensors. Relu, Identity and Dropout are skipped, as are Constant nodes and nodes that only
 * compute a Reshape's target shape (as PyTorch exports `x.view(x.size(0), -1)` with a dynamic
 * batch). Weights may be initializers or Constant outputs, also through Identity nodes. A MatMul
 * followed by an Add of its result is one dense layer with a bias; a zero Pad followed by a pool
 * that folds it (PyTorch exports AvgPool2d's padding so) is one pooling layer with that padding.
 */
import { WeightFileError } from '../core/errors.ts';
import type { Shape } from '../core/shapes.ts';
import type { NdArray } from '../core/tensors.ts';
import type { LayerTensors, OnnxNodeAccess } from '../layers/kind.ts';
import { kindOf, LAYER_KINDS, type LayerSpec } from '../layers/registry.ts';
import { isStandard, type OnnxAttribute, type OnnxGraph, type OnnxNode } from './onnx.ts';

/** A layer of the network as the matcher sees it: its spec and its input shape. */
export interface OnnxLayer {
  readonly spec: LayerSpec;
  readonly input: Shape;
}

/** An ONNX node (or MatMul+Add pair) that imports as one potgen layer. */
interface LayerNode {
  readonly kind: string;
  readonly node: OnnxNode;
  readonly index: number;
  /** For MatMul: the Add that adds the bias, if any. */
  readonly add?: { readonly node: OnnxNode; readonly index: number };
  /** A zero Pad in front of the node, folded into its padding. */
  readonly pad?: { readonly node: OnnxNode; readonly index: number };
}

const PASS_THROUGH = new Set(['Relu', 'Identity', 'Dropout']);

/** ONNX op type → the kind it imports as, from every kind's declared ops. */
const LAYER_OPS: ReadonlyMap<string, string> = new Map(LAYER_KINDS.flatMap((k) => (k.onnx?.ops ?? []).map((op) => [op, k.kind] as const)));

const SUPPORTED = `potgen imports ${LAYER_KINDS.flatMap((k) => (k.onnx ? [k.onnx.ops.join('/')] : [])).join(', ')} and Relu (the bias of a MatMul comes from the Add after it).`;

function nodeLabel(node: OnnxNode, index: number): string {
  return node.name ? `node '${node.name}' (${node.opType})` : `unnamed node ${index + 1} (${node.opType})`;
}

function layerNodeOps(l: LayerNode): string {
  return l.add ? 'MatMul+Add' : l.node.opType;
}

/** "a", "a and b", "a, b and c" */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Matches the graph with `layers` (those without an ONNX mapping, such as arg-max, are left out)
 * and returns `<layer>.weight` / `<layer>.bias` tensors in potgen's layout as fresh float64 arrays.
 */
export function mapOnnxToLayers(graph: OnnxGraph, allLayers: readonly OnnxLayer[], where: string): Map<string, NdArray> {
  const layers = allLayers.filter((l) => kindOf(l.spec).onnx);
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
    const node = nodes[i]!;
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
      n = aliases.get(n)!;
    }
    return graph.initializers.get(n);
  };
  const skippable = (i: number): boolean => {
    const node = nodes[i]!;
    return shapeOnly.has(i) || (isStandard(node) && (node.opType === 'Constant' || PASS_THROUGH.has(node.opType)));
  };

  // The graph's layers, in graph order.
  const found: LayerNode[] = [];
  const usedAdds = new Set<number>();
  /** The next node that matters after node i, and its index. */
  const nextAfter = (i: number): [OnnxNode | undefined, number] => {
    let j = i + 1;
    while (j < nodes.length && (shapeOnly.has(j) || nodes[j]?.opType === 'Constant')) j++;
    return [nodes[j], j];
  };
  let pendingPad: { node: OnnxNode; index: number } | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (skippable(i) || usedAdds.has(i)) continue;
    if (node.opType === 'Pad' && isStandard(node)) {
      const [next] = nextAfter(i);
      const kindOfNext = next && isStandard(next) ? LAYER_OPS.get(next.opType) : undefined;
      const folds = kindOfNext !== undefined && LAYER_KINDS.find((k) => k.kind === kindOfNext)?.onnx?.foldsPad;
      if (next && folds && node.outputs[0] && next.inputs[0] === node.outputs[0]) {
        pendingPad = { node, index: i };
        continue;
      }
    }
    const kind = isStandard(node) ? LAYER_OPS.get(node.opType) : undefined;
    if (!kind) {
      const hint =
        node.opType === 'BatchNormalization'
          ? ' Export the model in eval mode (model.eval()) with do_constant_folding=True, so that torch.onnx.export folds batch normalisation into the convolution.'
          : '';
      const domain = isStandard(node) ? '' : ` from domain '${node.domain}'`;
      fail(`${nodeLabel(node, i)}${domain} is not supported; ${SUPPORTED}${hint}`);
    }
    if (node.opType === 'MatMul') {
      const [next, j] = nextAfter(i);
      const out = node.outputs[0];
      if (next && isStandard(next) && next.opType === 'Add' && out && next.inputs.includes(out)) {
        usedAdds.add(j);
        found.push({ kind: kind!, node, index: i, add: { node: next, index: j } });
        continue;
      }
    }
    found.push({ kind: kind!, node, index: i, ...(pendingPad ? { pad: pendingPad } : {}) });
    pendingPad = undefined;
  }

  // The two sequences must agree in length and in kind, position by position.
  const onnxOps = `(${found.map(layerNodeOps).join(', ')})`;
  const declared = `(${layers.map((l) => l.spec.kind).join(', ')})`;
  const counts = `the ONNX graph has ${found.length} layers ${onnxOps} but the network declares ${layers.length} ${declared}`;
  const common = Math.min(found.length, layers.length);
  for (let p = 0; p < common; p++) {
    const f = found[p]!;
    const l = layers[p]!.spec;
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
    const extra = layers.slice(common).map((l) => `layer '${l.spec.name}' (${l.spec.kind})`);
    fail(`${counts}; ${andList(extra)} ${extra.length === 1 ? 'has' : 'have'} no matching ONNX node.`);
  }

  // Each pair: the kind checks attributes and shapes and takes its tensors.
  const tensors = new Map<string, NdArray>();
  found.forEach((f, p) => {
    const { spec, input } = layers[p]!;
    const access = nodeAccess(f, spec.name, constant, fail);
    const taken: LayerTensors = kindOf(spec).onnx!.import(access, spec, input);
    if (taken.weight) tensors.set(`${spec.name}.weight`, taken.weight);
    if (taken.bias) tensors.set(`${spec.name}.bias`, taken.bias);
  });
  return tensors;
}

/** What a kind may ask of its node: typed attributes with ONNX's defaults, constants and the bias. */
function nodeAccess(f: LayerNode, layer: string, constant: (name: string) => NdArray | undefined, fail: (message: string) => never): OnnxNodeAccess {
  const { node } = f;
  const label = nodeLabel(node, f.index);
  const wrongType = (name: string, expected: string): never =>
    fail(`${label} has attribute '${name}' of type ${node.attributes.get(name)!.kind} where ${expected} was expected.`);
  const attribute = <K extends OnnxAttribute['kind']>(name: string, kind: K, expected: string): Extract<OnnxAttribute, { kind: K }> | undefined => {
    const a = node.attributes.get(name);
    if (!a) return undefined;
    if (a.kind !== kind) return wrongType(name, expected);
    return a as Extract<OnnxAttribute, { kind: K }>;
  };
  const ints = (name: string, fallback: readonly number[]): readonly number[] => attribute(name, 'ints', 'a list of ints')?.value ?? fallback;
  const constantNamed = (name: string, reader: string, role: string): NdArray => {
    const value = constant(name);
    if (!value) {
      return fail(`${reader} reads ${role} '${name}', which is neither an initializer nor a Constant, so layer '${layer}' gets no ${role === 'bias' ? 'bias' : `${role}s`}.`);
    }
    return value;
  };
  return {
    opType: node.opType,
    label,
    inputs: node.inputs,
    fail: (message) => fail(message),
    int: (name, fallback) => attribute(name, 'int', 'an int')?.value ?? fallback,
    float: (name, fallback) => attribute(name, 'float', 'a float')?.value ?? fallback,
    ints,
    has: (name) => node.attributes.has(name),
    constant,
    noAutoPad() {
      const a = attribute('auto_pad', 'string', 'a string');
      if (a && a.value !== 'NOTSET') {
        fail(`${label} has auto_pad ${a.value}; potgen imports only explicit pads (auto_pad NOTSET), as torch.onnx.export writes them.`);
      }
    },
    check2d(name, v, message) {
      const values = ints(name, [1, 1]);
      if (values.length !== 2 || values.some((x) => x !== v)) fail(`${label} ${message(values.join('x'))}`);
    },
    checkKernel(kernel, k, layerName) {
      if (kernel.length !== 2 || kernel.some((x) => x !== k)) fail(`${label} has kernel ${kernel.join('x')} but layer '${layerName}' declares kernel ${k}.`);
    },
    checkPads(pad, layerName) {
      const own = ints('pads', [0, 0, 0, 0]);
      const before = f.pad ? padNodePads(f.pad, constant, fail) : [0, 0, 0, 0];
      const pads = own.length === 4 ? own.map((p, k) => p + before[k]!) : own;
      const what = f.pad ? `with the ${nodeLabel(f.pad.node, f.pad.index)} before it pads` : 'has pads';
      if (pads.length !== 4 || pads.some((x) => x !== pad)) {
        fail(`${label} ${what} [${pads.join(', ')}] (top, left, bottom, right) but layer '${layerName}' declares pad ${pad} on every side.`);
      }
    },
    ownPadding: () => ints('pads', [0, 0, 0, 0]).some((p) => p !== 0),
    constantInput(index, role) {
      const name = node.inputs[index];
      if (!name) return fail(`${label} has no ${role} input, so layer '${layer}' gets no ${role}s.`);
      return { name, value: constantNamed(name, label, role) };
    },
    bias(out, declared, meaning) {
      // Conv and Gemm carry the bias as input 2; MatMul's comes from the Add that follows it.
      let reader = label;
      let name: string | undefined;
      if (f.add) {
        reader = nodeLabel(f.add.node, f.add.index);
        const fromMatMul = f.add.node.inputs.indexOf(node.outputs[0]!);
        name = f.add.node.inputs.find((_, k) => k !== fromMatMul) ?? '';
      } else if (node.opType !== 'MatMul') {
        name = node.inputs[2];
      }
      let bias: NdArray | undefined;
      if (name) {
        const value = constantNamed(name, reader, 'bias');
        const ok = (value.shape.length === 1 && value.shape[0] === out) || (value.shape.length === 2 && value.shape[0] === 1 && value.shape[1] === out);
        if (!ok) fail(`${reader} has bias '${name}' of shape [${value.shape.join(', ')}] but layer '${layer}' needs [${out}] (${meaning}).`);
        bias = { shape: [out], data: Float64Array.from(value.data) };
      }
      if (bias && !declared) {
        fail(`${reader} adds a bias but layer '${layer}' declares bias: false; set bias: true on the layer, or export the model without a bias.`);
      }
      if (!bias && declared) fail(`${reader} adds no bias but layer '${layer}' declares bias: true; set bias: false on the layer.`);
      return bias;
    },
  };
}

/**
 * The spatial pads [top, left, bottom, right] of a Pad node folded into the pool after it: zero
 * constant padding of the height and width only (ONNX lists begins, then ends, per axis N, C, H, W).
 */
function padNodePads(pad: { node: OnnxNode; index: number }, constant: (name: string) => NdArray | undefined, fail: (message: string) => never): number[] {
  const label = nodeLabel(pad.node, pad.index);
  const mode = pad.node.attributes.get('mode');
  if (mode && (mode.kind !== 'string' || mode.value !== 'constant')) {
    fail(`${label} pads in mode ${mode.kind === 'string' ? mode.value : '?'}; potgen folds only zero (constant) padding into the pool after it.`);
  }
  const padsName = pad.node.inputs[1];
  const padsAttribute = pad.node.attributes.get('pads');
  const pads = padsName ? constant(padsName)?.data : padsAttribute?.kind === 'ints' ? padsAttribute.value : undefined;
  if (!pads || pads.length !== 8) fail(`${label} has no constant pads for the four axes (N, C, H, W).`);
  const value = pad.node.inputs[2] ? constant(pad.node.inputs[2]) : undefined;
  if (value && value.data.some((v) => v !== 0)) fail(`${label} pads with ${value.data[0]}; potgen folds only zero padding into the pool after it.`);
  const [n0, c0, top, left, n1, c1, bottom, right] = Array.from(pads!);
  if (n0 || c0 || n1 || c1) fail(`${label} pads the batch or channel axis; potgen folds only padding of the height and width.`);
  return [top!, left!, bottom!, right!];
}
