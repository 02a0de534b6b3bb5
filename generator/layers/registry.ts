/**
 * Every layer kind potgen knows, in one list. Stages look kinds up here instead of switching on
 * them; adding a kind is adding its module and one line below.
 */
import { InternalError } from '../core/errors.ts';
import type { Shape } from '../core/shapes.ts';
import { argmax, type ArgmaxHW, type ArgmaxIR, type ArgmaxSpec } from './argmax.ts';
import { avgPool2d, type AvgPool2dSpec, type AvgPoolIR } from './avgPool2d.ts';
import { conv2d, type Conv2dSpec } from './conv2d.ts';
import type { ConvHW, ConvIR } from './convEngine.ts';
import { dense, type DenseSpec } from './dense.ts';
import { flatten, type FlattenSpec } from './flatten.ts';
import type { LayerHWBase, LayerIRBase, LayerKind, LayerSpecBase } from './kind.ts';
import { maxPool2d, type MaxPool2dSpec, type MaxPoolIR } from './maxPool2d.ts';
import type { PoolHW } from './poolEngine.ts';

/** The kinds, in the order messages list them. */
export const LAYER_KINDS: readonly LayerKind<any, any, any>[] = [conv2d, dense, maxPool2d, avgPool2d, flatten, argmax];

/** Any validated layer. */
export type LayerSpec = Conv2dSpec | DenseSpec | MaxPool2dSpec | AvgPool2dSpec | FlattenSpec | ArgmaxSpec;
/** Any integer layer. */
export type LayerIR = ConvIR | MaxPoolIR | AvgPoolIR | ArgmaxIR;
/** Any hardware layer. */
export type LayerHW = ConvHW | (MaxPoolIR & PoolHW) | (AvgPoolIR & PoolHW) | ArgmaxHW;

const BY_KIND = new Map(LAYER_KINDS.map((k) => [k.kind, k]));

/** The kind named `kind`, if there is one (the validator reports unknown ones). */
export function findKind(kind: unknown): LayerKind | undefined {
  return typeof kind === 'string' ? BY_KIND.get(kind) : undefined;
}

/** The kind of a validated layer or of an IR node: always known past validation. */
export function kindOf(layer: LayerSpecBase | LayerIRBase | LayerHWBase): LayerKind<any, any, any> {
  const kind = BY_KIND.get(layer.kind);
  if (!kind) throw new InternalError(`no layer kind '${layer.kind}' in the registry`);
  return kind;
}

/** The input shape of every layer, in order. */
export function layerInputShapes(input: Shape, layers: readonly LayerSpec[]): Shape[] {
  const shapes: Shape[] = [];
  let shape = input;
  for (const layer of layers) {
    shapes.push(shape);
    shape = kindOf(layer).outputShape(layer, shape);
  }
  return shapes;
}

/** Every hand-written library module any kind instantiates: names a generated module may not take. */
export function libraryModuleNames(): ReadonlySet<string> {
  return new Set(LAYER_KINDS.flatMap((k) => k.library));
}
