// conv3x3 unrolled to one step per pixel with its weights fixed into logic: PE 8 output channels x
// SIMD 27 (the whole 3x3 window of 3 channels). A PoT weight is then wiring plus an add or subtract,
// a uniform weight a shift-add per signed digit, a pruned weight nothing. Compare the two ways to
// store weights at the same folding with
//   potgen compare examples/conv3x3_logic.ts --variants pot:4,pot:4:prune50,uniform:4,uniform:8,pot:4:rom,uniform:8:rom
import { conv2d, network, pot, randomWeights } from 'potgen';

export default network({
  name: 'conv3x3_logic',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({
      name: 'conv1',
      outChannels: 8,
      kernel: 3,
      padding: 'same',
      weights: pot({ bits: 4 }),
      pe: 8,
      simd: 27,
      weightStorage: 'logic',
    }),
  ],
});
