// The built-in example: LeNet-5 on 28x28 MNIST digits, with weights trained by
// examples/lenet5/train.py and exported to ONNX. Every layer is a power-of-two shift-and-add
// datapath; `potgen build --quant uniform:4` builds the multiplier baseline from the same file.
import { argmax, conv2d, dense, flatten, maxPool2d, mnist, network, pot } from 'potgen';

const weights = pot({ bits: 4 });

export default network({
  name: 'lenet5',
  input: { height: 28, width: 28, channels: 1 },
  weights: './lenet5.onnx',
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
