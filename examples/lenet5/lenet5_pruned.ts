// LeNet-5 with PoT-4 weights pruned in the log domain: each layer drops its smallest power-of-two
// levels until at least half of its weights are zero. The weights were fine-tuned with that
// rounding and pruning in the loop (examples/lenet5/finetune_pot.py, straight-through estimator)
// from examples/lenet5/lenet5.onnx:
//   /usr/bin/python3 examples/lenet5/finetune_pot.py --bits 4 --prune 0.5
import { argmax, conv2d, dense, flatten, maxPool2d, mnist, network, pot } from 'potgen';

const weights = pot({ bits: 4, prune: 0.5 });

export default network({
  name: 'lenet5_pruned',
  input: { height: 28, width: 28, channels: 1 },
  weights: './lenet5-pot4-prune50.onnx',
  dataset: mnist(),
  layers: [
    conv2d({ name: 'conv1', outChannels: 6, kernel: 5, weights, pe: 6 }),
    maxPool2d({ name: 'pool1', kernel: 2 }),
    conv2d({ name: 'conv2', outChannels: 16, kernel: 5, weights, pe: 8, simd: 6 }),
    maxPool2d({ name: 'pool2', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 120, weights, pe: 8, simd: 16 }),
    dense({ name: 'fc2', outFeatures: 84, weights, pe: 4, simd: 30 }),
    dense({ name: 'fc3', outFeatures: 10, weights, pe: 2, simd: 21, activation: 'none' }),
    argmax({ name: 'classify' }),
  ],
});
