/**
 * Imports the float tensors a validated network needs, from its weight file or seeded random
 * numbers, and checks every tensor's presence, shape and finiteness, reporting all problems
 * together at the model file's `weights` property or at the layer concerned.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticsError, WeightFileError, type Diagnostic } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import { createRng } from '../core/rng.ts';
import type { NdArray } from '../core/tensors.ts';
import type { RawNetwork } from '../dsl/types.ts';
import type { NetworkSpec } from '../ir/types.ts';
import type { TensorNeed as LayerTensorNeed } from '../layers/kind.ts';
import { kindOf, layerInputShapes } from '../layers/registry.ts';
import type { Locator } from '../load/locations.ts';
import { checkFinite } from './finite.ts';
import { readJsonTensors } from './json.ts';
import { readNpy } from './npy.ts';
import { readNpz } from './npz.ts';
import { readOnnx } from './onnx.ts';
import { mapOnnxToLayers } from './onnxLayers.ts';

/** A tensor the network needs: its name (`<layer>.weight` / `<layer>.bias`), shape and layer index. */
export interface TensorNeed extends LayerTensorNeed {
  readonly name: string;
  readonly layer: number;
}

/** The tensors every layer needs, in PyTorch's layout, as each layer kind declares them. */
export function tensorNeeds(spec: NetworkSpec): TensorNeed[] {
  const inputs = layerInputShapes(spec.input, spec.layers);
  return spec.layers.flatMap((layer, index) =>
    (kindOf(layer).tensors?.(layer, inputs[index]!) ?? []).map((need) => ({ ...need, name: `${layer.name}.${need.role}`, layer: index })),
  );
}

/** Loads and checks the network's float tensors. */
export function loadWeights(spec: NetworkSpec, raw: RawNetwork, locator: Locator): Map<string, NdArray> {
  const needs = tensorNeeds(spec);
  if (spec.weights.kind === 'random') return randomTensors(needs, spec.weights.seed);
  const file = spec.weights.path;
  const where = displayPath(file);
  const atWeights = (message: string, fix?: string): DiagnosticsError => {
    const location = locator.locate(raw, 'weights');
    return new DiagnosticsError([{ ...(location ? { location } : {}), message, ...(fix ? { fix } : {}) }]);
  };
  if (!existsSync(file)) throw atWeights(`the weight file ${where} does not exist.`, 'Check the path; it is relative to the model file.');
  let tensors: Map<string, NdArray>;
  try {
    tensors = readTensors(file, where, needs, spec);
  } catch (e) {
    if (e instanceof WeightFileError) throw atWeights(lowerFirst(e.message));
    throw e;
  }
  // In a folder of .npy files each tensor has its own file, which messages name.
  const folder = statSync(file).isDirectory();
  const tensorFile = (name: string): string => (folder ? displayPath(path.join(file, `${name}.npy`)) : where);
  const diagnostics: Diagnostic[] = [];
  const atLayer = (layer: number, message: string, fix?: string): void => {
    const location = locator.locate(raw.layers[layer]!);
    diagnostics.push({ ...(location ? { location } : {}), message, ...(fix ? { fix } : {}) });
  };
  for (const need of needs) {
    const tensor = tensors.get(need.name);
    if (!tensor) {
      const noBias = need.name.endsWith('.bias') ? ', or set bias: false on the layer' : '';
      if (folder) {
        atLayer(need.layer, `the weight folder ${where} has no file ${need.name}.npy.`, `Save the tensor ${need.name} there with np.save${noBias}.`);
      } else {
        const have = [...tensors.keys()];
        atLayer(
          need.layer,
          `${where} has no tensor ${need.name}.`,
          `${have.length ? `It has: ${have.join(', ')}.` : 'It holds no tensors.'}${noBias ? ` Add it${noBias}.` : ''}`,
        );
      }
      continue;
    }
    if (!sameShape(tensor.shape, need.shape)) {
      atLayer(need.layer, `${need.name} in ${tensorFile(need.name)} has shape [${tensor.shape.join(', ')}], but the layer needs [${need.shape.join(', ')}] ${need.meaning}.`);
      continue;
    }
    try {
      checkFinite(need.name, tensor, tensorFile(need.name));
    } catch (e) {
      if (!(e instanceof WeightFileError)) throw e;
      atLayer(need.layer, lowerFirst(e.message));
    }
  }
  if (diagnostics.length > 0) throw new DiagnosticsError(diagnostics);
  return tensors;
}

/** Reads a .onnx, .json or .npz file, or a folder of `<tensor>.npy` files. */
function readTensors(file: string, where: string, needs: readonly TensorNeed[], spec: NetworkSpec): Map<string, NdArray> {
  if (statSync(file).isDirectory()) {
    const tensors = new Map<string, NdArray>();
    for (const need of needs) {
      const npy = path.join(file, `${need.name}.npy`);
      if (existsSync(npy)) tensors.set(need.name, readNpy(readFileSync(npy), displayPath(npy)));
    }
    return tensors;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return readJsonTensors(readFileSync(file, 'utf8'), where);
  if (ext === '.onnx') {
    const inputs = layerInputShapes(spec.input, spec.layers);
    return mapOnnxToLayers(readOnnx(readFileSync(file), where), spec.layers.map((layer, i) => ({ spec: layer, input: inputs[i]! })), where);
  }
  if (ext === '.npz') return readNpz(readFileSync(file), where);
  throw new WeightFileError(`${where} is neither an .onnx, .json nor .npz file, nor a folder of .npy files.`);
}

/** He-style normal weights (std √(2/fan-in)) and small normal biases, from one seeded stream. */
function randomTensors(needs: readonly TensorNeed[], seed: number): Map<string, NdArray> {
  const rng = createRng(seed);
  const tensors = new Map<string, NdArray>();
  for (const need of needs) {
    const size = need.shape.reduce((a, b) => a * b, 1);
    const fanIn = need.shape.length > 1 ? size / need.shape[0]! : 1;
    const std = need.shape.length > 1 ? Math.sqrt(2 / fanIn) : 0.1;
    const data = new Float64Array(size);
    for (let i = 0; i < size; i++) data[i] = rng.normal() * std;
    tensors.set(need.name, { shape: need.shape, data });
  }
  return tensors;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function lowerFirst(s: string): string {
  return s.length > 0 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
