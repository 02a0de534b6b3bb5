// LeNet-5 as examples/lenet5/lenet5.ts, with no pe or simd: potgen chooses them for a target.
//   potgen build examples/lenet5/lenet5_auto.ts --target-cycles 1000
// Without --target-cycles every layer gets one lane (pe 1, simd 1): correct, but slow.
import { argmax, conv2d, dense, flatten, maxPool2d, mnist, network, pot } from 'potgen';

const weights = pot({ bits: 4 });

export default network({
  name: 'lenet5_auto',
  input: { height: 28, width: 28, channels: 1 },
  weights: './lenet5.onnx',
  dataset: mnist(),
  layers: [
    conv2d({ name: 'conv1', outChannels: 6, kernel: 5, weights }),
    maxPool2d({ name: 'pool1', kernel: 2 }),
    conv2d({ name: 'conv2', outChannels: 16, kernel: 5, weights }),
    maxPool2d({ name: 'pool2', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 120, weights }),
    dense({ name: 'fc2', outFeatures: 84, weights }),
    dense({ name: 'fc3', outFeatures: 10, weights, activation: 'none' }),
    argmax({ name: 'classify' }),
  ],
});
