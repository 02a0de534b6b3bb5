/** The argmax kind: the index of the largest of the last layer's values (the first one on ties). */
import { argmaxIndex } from '../arith/conv.ts';
import { floatArgmax } from '../arith/float.ts';
import type { HardwareFields, LayerIRBase, LayerKind, LayerSpecBase } from './kind.ts';

/** A validated arg-max. */
export interface ArgmaxSpec extends LayerSpecBase {
  readonly kind: 'argmax';
}

/** Arg-max in integers: one index per frame. */
export interface ArgmaxIR extends LayerIRBase {
  readonly kind: 'argmax';
  /** Whether the compared values are signed (the last weighted layer had no ReLU). */
  readonly signedInput: boolean;
}

/** An arg-max ready for emission. */
export interface ArgmaxHW extends ArgmaxIR, HardwareFields {}

export const argmax: LayerKind<ArgmaxSpec, ArgmaxIR, ArgmaxHW> = {
  kind: 'argmax',
  summary: 'arg-max',
  attributes: { name: { type: 'identifier' } },
  autoName: true,
  weighted: false,
  library: ['potgen_argmax'],

  checkChain(_spec, ctx) {
    if (!ctx.isLast) ctx.error(undefined, `${ctx.label} must be the last layer.`);
    const input = ctx.input;
    if (input && (input.height !== 1 || input.width !== 1 || input.channels < 2)) {
      ctx.error(undefined, `${ctx.label} needs a vector of at least 2 values (a 1x1xN map), not ${input.height}x${input.width}x${input.channels}.`, 'Put a dense layer before it.');
    }
  },
  outputShape: () => ({ height: 1, width: 1, channels: 1 }),
  outputSigned: () => false,

  runFloat: (_spec, x) => ({ height: 1, width: 1, channels: 1, data: Float64Array.of(floatArgmax(x.data)) }),

  quantise: (spec, q) => ({
    ir: {
      kind: 'argmax',
      name: spec.name,
      input: q.input,
      output: { height: 1, width: 1, channels: 1 },
      inputBits: q.inputBits,
      // The index travels in whole bytes.
      outputBits: 8 * Math.ceil(Math.max(1, Math.ceil(Math.log2(q.input.channels))) / 8),
      outputSigned: false,
      inputExponent: q.inputExponent,
      outputExponent: 0,
      signedInput: q.inputSigned,
    },
  }),
  run: (_ir, x) => ({ height: 1, width: 1, channels: 1, data: Int32Array.of(argmaxIndex(x.data)) }),
  // One input beat per frame, one cycle each.
  lower: (ir, moduleName) => ({ ...ir, moduleName, cyclesPerFrame: 1 }),
  emit: (hw) => [
    {
      kind: 'template',
      module: hw.moduleName,
      template: 'library_wrapper.v.hbs',
      values: {
        description: [
          `Layer ${hw.name}: arg-max over ${hw.input.channels} ${hw.signedInput ? 'signed' : 'unsigned'} ${hw.inputBits}-bit values,`,
          `one ${hw.outputBits}-bit index per frame (the first on ties).`,
        ],
        library: 'potgen_argmax',
        inWidthMsb: hw.input.channels * hw.inputBits - 1,
        outWidthMsb: hw.outputBits - 1,
        parameters: [
          { name: 'N', value: hw.input.channels },
          { name: 'AB', value: hw.inputBits },
          { name: 'SIGNED', value: hw.signedInput ? 1 : 0 },
          { name: 'OB', value: hw.outputBits },
        ],
      },
    },
  ],
  streamLabel: (hw) => `one class index per frame, ${hw.outputBits} bits`,
  describe: (hw) => `${hw.name} (arg-max): ${hw.input.channels} ${hw.signedInput ? 'signed' : 'unsigned'} values -> index`,
  manifest: () => ({}),
};
