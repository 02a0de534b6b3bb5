// A single 3x3 convolution over a small 3-channel image: the smallest complete potgen design.
import { conv2d, network, pot, randomWeights } from 'potgen';

export default network({
  name: 'conv3x3',
  input: { height: 8, width: 8, channels: 3 },
  weights: randomWeights(1),
  layers: [
    conv2d({
      name: 'conv1',
      outChannels: 8,
      kernel: 3,
      padding: 'same',
      weights: pot({ bits: 4 }),
      pe: 4,
      simd: 3,
    }),
  ],
});
