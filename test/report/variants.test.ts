/** Quantisation variants: the --quant parser and the short labels the reports print. */
import { describe, expect, it } from 'vitest';
import { parseQuant } from '../../generator/cli/main.ts';
import type { NetworkSpec } from '../../generator/ir/types.ts';
import { defaultVariants, variantLabel } from '../../generator/report/accuracy.ts';

describe('--quant kind:bits[:scale|:prune<percent>][:rom|:logic]', () => {
  it('reads PoT and uniform variants, uniform per layer by default', () => {
    expect(parseQuant('pot:4')).toEqual({ kind: 'pot', bits: 4 });
    expect(parseQuant('uniform:8')).toEqual({ kind: 'uniform', bits: 8, scale: 'layer' });
    expect(parseQuant('uniform:8:layer')).toEqual({ kind: 'uniform', bits: 8, scale: 'layer' });
    expect(parseQuant('uniform:4:channel')).toEqual({ kind: 'uniform', bits: 4, scale: 'channel' });
    expect(parseQuant('uniform:4:pow2')).toEqual({ kind: 'uniform', bits: 4, scale: 'pow2' });
    expect(parseQuant('pot:4:prune50')).toEqual({ kind: 'pot', bits: 4, prune: 0.5 });
    expect(parseQuant('pot:3:prune5')).toEqual({ kind: 'pot', bits: 3, prune: 0.05 });
    expect(parseQuant('pot:4:prune0')).toEqual({ kind: 'pot', bits: 4 });
  });

  it('reads where the weights live as a last part', () => {
    expect(parseQuant('pot:4:logic')).toEqual({ kind: 'pot', bits: 4, storage: 'logic' });
    expect(parseQuant('pot:4:prune50:logic')).toEqual({ kind: 'pot', bits: 4, prune: 0.5, storage: 'logic' });
    expect(parseQuant('uniform:8:logic')).toEqual({ kind: 'uniform', bits: 8, scale: 'layer', storage: 'logic' });
    expect(parseQuant('uniform:4:pow2:rom')).toEqual({ kind: 'uniform', bits: 4, scale: 'pow2', storage: 'rom' });
  });

  it('refuses a scale on PoT, an unknown scale and bits out of range', () => {
    for (const bad of ['pot:4:pow2', 'uniform:4:row', 'uniform:4:', 'uniform', 'pot:x', 'uniform:8:prune50', 'pot:4:prune', 'pot:4:prune0.5', 'pot:4:logic:prune50', 'pot:4:flash', 'uniform:8:logic:pow2']) {
      expect(() => parseQuant(bad), bad).toThrow(/must be pot:<bits>\[:prune<percent>\]\[:rom\|:logic\] or uniform:<bits>\[:layer\|channel\|pow2\]\[:rom\|:logic\]/);
    }
    expect(() => parseQuant('pot:4:prune100')).toThrow('Pruning takes a percentage of weights from 0 to 99, not 100.');
    expect(() => parseQuant('uniform:9:channel')).toThrow('Weights may have 2 to 8 bits, not 9.');
  });
});

describe('variant labels', () => {
  it('are short and tell every variant apart', () => {
    expect(variantLabel({ kind: 'pot', bits: 4 })).toBe('pot-4');
    expect(variantLabel({ kind: 'uniform', bits: 4 })).toBe('uniform-4');
    expect(variantLabel({ kind: 'uniform', bits: 4, scale: 'layer' })).toBe('uniform-4');
    expect(variantLabel({ kind: 'uniform', bits: 4, scale: 'channel' })).toBe('uniform-4/ch');
    expect(variantLabel({ kind: 'uniform', bits: 8, scale: 'pow2' })).toBe('uniform-8/pow2');
    expect(variantLabel({ kind: 'pot', bits: 4, prune: 0.5 })).toBe('pot-4-prune50');
    expect(variantLabel({ kind: 'pot', bits: 4, prune: 0.5, storage: 'logic' })).toBe('pot-4-prune50-logic');
    expect(variantLabel({ kind: 'uniform', bits: 8, scale: 'layer', storage: 'rom' })).toBe('uniform-8-rom');
  });

  it('default to the model\'s own, PoT 3/4/5, uniform 4 and 8 per layer and with a power-of-two scale', () => {
    const spec = (weights: object) => ({ layers: [{ kind: 'dense', weights }] }) as unknown as NetworkSpec;
    expect(defaultVariants(spec({ kind: 'pot', bits: 4 })).map(variantLabel)).toEqual(['pot-4', 'pot-3', 'pot-5', 'uniform-4', 'uniform-8', 'uniform-4/pow2', 'uniform-8/pow2']);
    expect(defaultVariants(spec({ kind: 'uniform', bits: 6, scale: 'channel' })).map(variantLabel)).toEqual(['uniform-6/ch', 'pot-3', 'pot-4', 'pot-5', 'uniform-4', 'uniform-8', 'uniform-4/pow2', 'uniform-8/pow2']);
  });
});
