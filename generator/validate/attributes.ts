/**
 * Each layer kind declares its attributes once: type, default and allowed range. The validator
 * checks every attribute against this table, so a new layer kind only adds a table.
 */

/** One declared attribute. `required` attributes have no default. */
export type AttributeRule =
  | { readonly type: 'int'; readonly min: number; readonly max: number; readonly default?: number; readonly optional?: true }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default: string }
  | { readonly type: 'bool'; readonly default: boolean }
  | { readonly type: 'identifier' }
  | { readonly type: 'quant'; readonly default: { readonly kind: 'pot' | 'uniform'; readonly bits: number } };

/** The limits that more than one rule refers to. */
export const LIMITS = {
  weightBits: { min: 2, max: 8 },
  activationBits: { min: 2, max: 16 },
  kernel: { min: 1, max: 7 },
  channels: { min: 1, max: 4096 },
  imageSide: { min: 1, max: 4096 },
} as const;

/** What every weighted layer (conv2d, dense) declares after its shape: arithmetic and array size. */
const WEIGHTED_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  bias: { type: 'bool', default: true },
  weights: { type: 'quant', default: { kind: 'pot', bits: 4 } },
  activationBits: { type: 'int', ...LIMITS.activationBits, default: 8 },
  pe: { type: 'int', min: 1, max: 4096, default: 1 },
  simd: { type: 'int', min: 1, max: 4096, default: 1 },
  shift: { type: 'int', min: 0, max: 62, optional: true },
  activation: { type: 'enum', values: ['relu', 'none'], default: 'relu' },
};

/** The attributes of `conv2d`, in the order they are checked and reported. */
export const CONV2D_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  name: { type: 'identifier' },
  outChannels: { type: 'int', ...LIMITS.channels },
  kernel: { type: 'int', ...LIMITS.kernel },
  stride: { type: 'int', min: 1, max: 7, default: 1 },
  padding: { type: 'enum', values: ['valid', 'same'], default: 'valid' },
  ...WEIGHTED_ATTRIBUTES,
};

/** The attributes of `dense`. */
export const DENSE_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  name: { type: 'identifier' },
  outFeatures: { type: 'int', ...LIMITS.channels },
  ...WEIGHTED_ATTRIBUTES,
};

/** The attributes of `maxPool2d` (stride defaults to the kernel, see validate). */
export const MAXPOOL_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  name: { type: 'identifier' },
  kernel: { type: 'int', ...LIMITS.kernel },
  stride: { type: 'int', min: 1, max: 7, optional: true },
  padding: { type: 'int', min: 0, max: 3, default: 0 },
};

/** The attributes of `flatten` and `argmax`: only an optional name. */
export const NAME_ONLY_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  name: { type: 'identifier' },
};

/** The attributes of the network's `input`. */
export const INPUT_ATTRIBUTES: Readonly<Record<string, AttributeRule>> = {
  height: { type: 'int', ...LIMITS.imageSide },
  width: { type: 'int', ...LIMITS.imageSide },
  channels: { type: 'int', ...LIMITS.channels },
};
