// LeNet-5 shape with seeded random weights: exercises every layer kind without a weight file.
import { argmax, conv2d, dense, flatten, maxPool2d, network, pot, randomWeights } from 'potgen';

export default network({
  name: 'lenet_random',
  input: { height: 28, width: 28, channels: 1 },
  weights: randomWeights(3),
  layers: [
    conv2d({ name: 'conv1', outChannels: 6, kernel: 5, weights: pot({ bits: 4 }), pe: 6 }),
    maxPool2d({ name: 'pool1', kernel: 2 }),
    conv2d({ name: 'conv2', outChannels: 16, kernel: 5, weights: pot({ bits: 4 }), pe: 8, simd: 6 }),
    maxPool2d({ name: 'pool2', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 120, weights: pot({ bits: 4 }), pe: 8, simd: 16 }),
    dense({ name: 'fc2', outFeatures: 84, weights: pot({ bits: 4 }), pe: 4, simd: 30 }),
    dense({ name: 'fc3', outFeatures: 10, weights: pot({ bits: 4 }), pe: 2, simd: 21, activation: 'none' }),
    argmax(),
  ],
});
