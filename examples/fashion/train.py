"""Trains the Fashion-MNIST example and exports it to ONNX for potgen.

Run from anywhere, on Debian:
    apt-get install -y python3-torch dataset-fashion-mnist   # Debian's PyTorch and the data set
    /usr/bin/python3 examples/fashion/train.py
It writes examples/fashion/fashion.onnx and prints the float test accuracy (8 epochs: about 10 minutes on 2 cores; EPOCHS=N for fewer).

Inputs are scaled as pixel / 256 (not the usual mean/std normalisation), so that potgen's input
scale is exactly 2^-8 and every scale in the quantised network stays a power of two.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/usr/share/datasets/fashion-mnist"  # where Debian's dataset-fashion-mnist installs the IDX files


def read_idx(name):
    """Reads a gzipped IDX file into a numpy array."""
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: install Fashion-MNIST with `apt-get install -y dataset-fashion-mnist`.")
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{name}: not an unsigned-byte IDX file"
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class FashionNet(nn.Module):
    """The network examples/fashion/fashion.ts declares: two 3x3 convolutions, two dense layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 32)
        self.fc2 = nn.Linear(32, 10)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.relu(self.fc1(x))
        return self.fc2(x)


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    x_train = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz").astype(np.float32) / 256).unsqueeze(1)
    y_train = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    x_test = torch.from_numpy(read_idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 256).unsqueeze(1)
    y_test = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))

    model = FashionNet()
    epochs = int(os.environ.get("EPOCHS", "8"))
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 128):
            batch = order[start : start + 128]
            optimiser.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimiser.step()
        schedule.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}, test accuracy {accuracy * 100:.2f}%", flush=True)

    out = os.path.join(HERE, "fashion.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, opset_version=13, do_constant_folding=True,
                      input_names=["image"], output_names=["logits"])
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
