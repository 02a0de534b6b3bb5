/**
 * The flatten kind: the next dense layer reads the whole map as one vector in PyTorch's C·H·W
 * order. The stream already carries the map in raster order, so flatten builds no hardware.
 */
import { InternalError } from '../core/errors.ts';
import type { LayerKind, LayerSpecBase } from './kind.ts';

/** A validated flatten. */
export interface FlattenSpec extends LayerSpecBase {
  readonly kind: 'flatten';
}

const noHardware = (): never => {
  throw new InternalError('flatten has no hardware; quantisation drops it');
};

export const flatten: LayerKind<FlattenSpec> = {
  kind: 'flatten',
  summary: 'flattening',
  attributes: { name: { type: 'identifier' } },
  autoName: true,
  weighted: false,
  library: [],

  checkChain(_spec, ctx) {
    if (ctx.isLast) ctx.error(undefined, `${ctx.label} is the last layer.`, 'Follow flatten() with dense({ ... }).');
    else if (ctx.nextKind !== 'dense') {
      ctx.error(undefined, `${ctx.label} is followed by ${ctx.nextKind ?? 'something that is not a layer'}, but only a dense layer reads a flattened map.`, 'Follow flatten() with dense({ ... }), or remove it.');
    }
  },
  outputShape: (_spec, input) => input,
  outputSigned: () => false,

  onnx: {
    ops: ['Flatten', 'Reshape'],
    import(node, layer) {
      if (node.opType === 'Flatten') {
        const axis = node.int('axis', 1);
        if (axis !== 1) node.fail(`${node.label} flattens from axis ${axis} but layer '${layer.name}' keeps the batch axis and flattens the rest (axis 1).`);
      } else {
        // Reshape: a constant target shape must have two entries (batch, features); a shape
        // computed at run time (dynamic batch) is accepted as it is.
        const shapeName = node.inputs[1];
        const target = shapeName ? node.constant(shapeName) : undefined;
        if (target && target.data.length !== 2) {
          node.fail(`${node.label} reshapes to [${[...target.data].join(', ')}], but layer '${layer.name}' flattens to (batch, features); only a reshape to two dimensions imports as flatten.`);
        }
      }
      return {};
    },
  },
  runFloat: (_spec, x) => x,

  quantise: () => undefined,
  run: noHardware,
  lower: noHardware,
  emit: noHardware,
  describe: noHardware,
  manifest: noHardware,
};
