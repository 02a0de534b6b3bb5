// The second built-in example: a small CNN on Fashion-MNIST (28x28 greyscale clothes, 10 classes),
// trained by examples/fashion/train.py and exported to ONNX. It shows a data set of one's own:
// the IDX files Debian's package dataset-fashion-mnist installs, read as they are (gzipped).
import { argmax, conv2d, dataset, dense, flatten, maxPool2d, network, pot } from 'potgen';

const weights = pot({ bits: 4 });
const data = '/usr/share/datasets/fashion-mnist';

export default network({
  name: 'fashion',
  input: { height: 28, width: 28, channels: 1 },
  weights: './fashion.onnx',
  dataset: dataset({
    name: 'Fashion-MNIST',
    train: { images: `${data}/train-images-idx3-ubyte.gz`, labels: `${data}/train-labels-idx1-ubyte.gz` },
    test: { images: `${data}/t10k-images-idx3-ubyte.gz`, labels: `${data}/t10k-labels-idx1-ubyte.gz` },
    hint: 'Install Fashion-MNIST with `apt-get install -y dataset-fashion-mnist`.',
  }),
  layers: [
    conv2d({ name: 'conv1', outChannels: 16, kernel: 3, padding: 'same', weights, pe: 8 }),
    maxPool2d({ name: 'pool1', kernel: 2 }),
    conv2d({ name: 'conv2', outChannels: 32, kernel: 3, padding: 'same', weights, pe: 8, simd: 8 }),
    maxPool2d({ name: 'pool2', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 32, weights, pe: 4, simd: 32 }),
    dense({ name: 'fc2', outFeatures: 10, weights, pe: 2, simd: 16, activation: 'none' }),
    argmax({ name: 'classify' }),
  ],
});
