/** The conv configurations every RTL test file covers: one list, so simulation, lint and synthesis see the same designs. */
import { pot, uniform } from '../../generator/dsl/index.ts';
import type { Conv2dOptions, InputOptions } from '../../generator/dsl/types.ts';

/** One conv configuration. */
export interface Case {
  readonly name: string;
  readonly input: InputOptions;
  readonly layer: Omit<Conv2dOptions, 'name'>;
}

const c = (name: string, [height, width, channels]: [number, number, number], layer: Omit<Conv2dOptions, 'name'>): Case => ({
  name,
  input: { height, width, channels },
  layer,
});

/** Kernels 1/3/5, strides 1/2, both paddings, 1..16 channels, full and partial folding, PoT 2..5 bits, uniform 2..8 bits with real
 * scales per layer (the default) and per channel (requantised by a multiplier) and power-of-two scales. */
export const CASES: readonly Case[] = [
  c('k1_s1_full', [6, 6, 4], { outChannels: 8, kernel: 1, pe: 8, simd: 4, weights: pot({ bits: 4 }) }),
  c('k1_s2_partial', [7, 7, 4], { outChannels: 4, kernel: 1, stride: 2, pe: 2, simd: 2, weights: pot({ bits: 3 }) }),
  c('k3_s1_same', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 4, simd: 3, weights: pot({ bits: 4 }) }),
  c('k3_s1_valid_1ch', [8, 8, 1], { outChannels: 1, kernel: 3, weights: pot({ bits: 5 }) }),
  c('k3_s2_same', [9, 9, 2], { outChannels: 4, kernel: 3, stride: 2, padding: 'same', pe: 4, simd: 1, weights: pot({ bits: 4 }) }),
  c('k3_s2_valid', [9, 7, 2], { outChannels: 6, kernel: 3, stride: 2, pe: 3, simd: 2, weights: pot({ bits: 3 }) }),
  c('k5_s1_same', [8, 8, 1], { outChannels: 4, kernel: 5, padding: 'same', pe: 2, weights: pot({ bits: 4 }) }),
  c('k5_s1_valid', [9, 9, 2], { outChannels: 2, kernel: 5, pe: 2, simd: 2, weights: pot({ bits: 5 }) }),
  c('k5_s2_same', [10, 10, 3], { outChannels: 6, kernel: 5, stride: 2, padding: 'same', pe: 6, simd: 3, weights: pot({ bits: 4 }) }),
  c('k5_s2_valid', [11, 11, 1], { outChannels: 3, kernel: 5, stride: 2, weights: pot({ bits: 3 }) }),
  c('c16_unrolled', [5, 5, 16], { outChannels: 16, kernel: 3, padding: 'same', pe: 16, simd: 16, weights: pot({ bits: 4 }) }),
  c('c16_k1_partial', [6, 6, 16], { outChannels: 16, kernel: 1, pe: 4, simd: 8, weights: pot({ bits: 5 }) }),
  c('c16_k3_partial', [6, 6, 16], { outChannels: 8, kernel: 3, pe: 2, simd: 4, weights: pot({ bits: 4 }) }),
  c('tiny_1x1', [4, 4, 1], { outChannels: 1, kernel: 1, weights: pot({ bits: 4 }) }),
  c('non_square', [5, 9, 2], { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2, weights: pot({ bits: 4 }) }),
  c('kernel_fills_input', [5, 5, 2], { outChannels: 4, kernel: 5, pe: 4, simd: 2, weights: pot({ bits: 4 }) }),
  c('c6_simd3', [6, 6, 6], { outChannels: 6, kernel: 3, padding: 'same', pe: 3, simd: 3, weights: pot({ bits: 5 }) }),
  c('pot2_ternary', [6, 6, 2], { outChannels: 4, kernel: 3, pe: 2, simd: 2, weights: pot({ bits: 2 }) }),
  // Log-domain pruning: the lowest levels dropped, the shifters narrowed by the re-base.
  c('pot4_pruned50', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 4, simd: 3, weights: pot({ bits: 4, prune: 0.5 }) }),
  c('pot5_pruned90', [6, 6, 4], { outChannels: 4, kernel: 3, pe: 2, simd: 4, weights: pot({ bits: 5, prune: 0.9 }) }),
  c('u4_k1_full', [6, 6, 4], { outChannels: 8, kernel: 1, pe: 8, simd: 4, weights: uniform({ bits: 4 }) }),
  c('u4_k3_same', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 4, simd: 3, weights: uniform({ bits: 4 }) }),
  c('u4_k3_s2_same', [9, 9, 2], { outChannels: 4, kernel: 3, stride: 2, padding: 'same', pe: 4, simd: 1, weights: uniform({ bits: 4, scale: 'channel' }) }),
  c('u8_k5_s2_same', [10, 10, 3], { outChannels: 6, kernel: 5, stride: 2, padding: 'same', pe: 6, simd: 3, weights: uniform({ bits: 8 }) }),
  c('u8_k5_valid', [9, 9, 2], { outChannels: 2, kernel: 5, pe: 2, simd: 2, weights: uniform({ bits: 8 }) }),
  c('u4_c16_unrolled', [5, 5, 16], { outChannels: 16, kernel: 3, padding: 'same', pe: 16, simd: 16, weights: uniform({ bits: 4 }) }),
  c('u8_c16_partial', [6, 6, 16], { outChannels: 8, kernel: 3, pe: 2, simd: 4, weights: uniform({ bits: 8, scale: 'channel' }) }),
  c('u2_k1_s2', [7, 7, 4], { outChannels: 4, kernel: 1, stride: 2, pe: 2, simd: 2, weights: uniform({ bits: 2, scale: 'pow2' }) }),
  c('u6_4bit_out', [6, 6, 2], { outChannels: 4, kernel: 3, padding: 'same', pe: 1, simd: 1, weights: uniform({ bits: 6, scale: 'pow2' }), activationBits: 4 }),
  c('u4_ch_folded', [6, 6, 4], { outChannels: 6, kernel: 3, pe: 2, simd: 2, weights: uniform({ bits: 4, scale: 'channel' }) }),
  c('u8_pow2_k3', [8, 8, 3], { outChannels: 4, kernel: 3, padding: 'same', pe: 4, simd: 3, weights: uniform({ bits: 8, scale: 'pow2' }) }),
  // SIMD across kernel taps: taps of one row, whole rows, the whole window; padded taps inside a step.
  c('taps_k3_row', [8, 8, 1], { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 3, weights: pot({ bits: 4 }) }),
  c('taps_k5_window', [12, 12, 1], { outChannels: 6, kernel: 5, pe: 3, simd: 25, weights: pot({ bits: 4 }) }),
  c('taps_k5_row_same', [9, 9, 1], { outChannels: 2, kernel: 5, padding: 'same', pe: 2, simd: 5, weights: pot({ bits: 5 }) }),
  c('taps_k3_c2_s2', [9, 9, 2], { outChannels: 4, kernel: 3, stride: 2, padding: 'same', pe: 4, simd: 18, weights: uniform({ bits: 4, scale: 'channel' }) }),
  c('taps_k3_c3_row_u8', [7, 7, 3], { outChannels: 4, kernel: 3, pe: 2, simd: 9, weights: uniform({ bits: 8 }) }),
  // The whole window a step where the input is the slower side: a sliding register window (S*K reads a pixel).
  c('taps_k5_sliding', [12, 12, 1], { outChannels: 6, kernel: 5, pe: 6, simd: 25, weights: pot({ bits: 4 }) }),
  c('taps_k3_c2_sliding_u8', [8, 8, 2], { outChannels: 4, kernel: 3, pe: 4, simd: 18, weights: uniform({ bits: 8 }) }),
  // Taps a step not dividing the kernel: a row's (or the kernel's) last step runs past it.
  c('taps_k5_c6_two', [8, 8, 6], { outChannels: 8, kernel: 5, pe: 4, simd: 12, weights: pot({ bits: 4 }) }),
  c('taps_k3_two_same_u8', [8, 8, 1], { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2, weights: uniform({ bits: 8 }) }),
  c('taps_k5_two_rows_same', [10, 10, 1], { outChannels: 6, kernel: 5, padding: 'same', pe: 3, simd: 10, weights: pot({ bits: 5 }) }),
  c('taps_k3_c2_two_rows_s2', [9, 9, 2], { outChannels: 4, kernel: 3, stride: 2, pe: 2, simd: 12, weights: uniform({ bits: 4, scale: 'channel' }) }),
  // Weights fixed into logic (one step per pixel): PoT as wiring, uniform as signed-digit shift-adds, pruned weights gone.
  c('logic_k1_pot4', [6, 6, 4], { outChannels: 8, kernel: 1, pe: 8, simd: 4, weights: pot({ bits: 4 }), weightStorage: 'logic' }),
  c('logic_k1_u8', [6, 6, 4], { outChannels: 8, kernel: 1, pe: 8, simd: 4, weights: uniform({ bits: 8 }), weightStorage: 'logic' }),
  c('logic_k3_pot4', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 8, simd: 27, weights: pot({ bits: 4 }), weightStorage: 'logic' }),
  c('logic_k3_pot4_pruned50', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 8, simd: 27, weights: pot({ bits: 4, prune: 0.5 }), weightStorage: 'logic' }),
  c('logic_k3_u8', [8, 8, 3], { outChannels: 8, kernel: 3, padding: 'same', pe: 8, simd: 27, weights: uniform({ bits: 8 }), weightStorage: 'logic' }),
  c('logic_k3_u4_s2_valid', [9, 9, 2], { outChannels: 4, kernel: 3, stride: 2, pe: 4, simd: 18, weights: uniform({ bits: 4, scale: 'channel' }), weightStorage: 'logic' }),
  c('logic_k5_pot5', [10, 10, 1], { outChannels: 6, kernel: 5, padding: 'same', pe: 6, simd: 25, weights: pot({ bits: 5 }), weightStorage: 'logic' }),
  c('logic_k3_pot2_ternary', [6, 6, 2], { outChannels: 4, kernel: 3, pe: 4, simd: 18, weights: pot({ bits: 2 }), weightStorage: 'logic' }),
  c('pot4_12bit_out', [6, 6, 2], { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 1, weights: pot({ bits: 4 }), activationBits: 12 }),
];

