"""A stand-in for the parts of pynq the generated driver uses, so that its board code runs in tests.

The "hardware" is a table from each input frame's bytes to the output frame's bytes (the golden
vectors), so a run through it gives the design's outputs only if the driver packs, transfers and
unpacks exactly as the board expects. The DMA checks what the real one would not survive: a
transfer above its length limit, a receive buffer that does not match the frames sent, a transfer
on a busy channel. The API follows pynq 3 (Overlay, allocate, the simple-mode DMA's
transfer(array, start, nbytes) / idle / error / wait, get_rails, DataRecorder, Clocks).

In a test process: `import fake_pynq; sys.modules["pynq"] = fake_pynq; fake_pynq.TABLE = {...}`.
Copied as pynq.py onto PYTHONPATH, it reads the table from the .npz named by $FAKE_PYNQ_TABLE
(arrays `inputs` and `outputs`, one row of bytes per frame).
"""
import os
import threading
import time

import numpy as np

TABLE = {}  # input frame bytes -> output frame bytes
INPUT_FRAME_BYTES = 0
MAX_SIZE = 2**26 - 1
LOG = []  # (channel, nbytes) for every transfer
RAILS = True  # whether get_rails() finds sensors


def load_table(inputs, outputs):
    global TABLE, INPUT_FRAME_BYTES
    inputs = np.asarray(inputs, dtype=np.uint8)
    outputs = np.asarray(outputs, dtype=np.uint8)
    TABLE = {bytes(i): bytes(o) for i, o in zip(inputs, outputs)}
    INPUT_FRAME_BYTES = inputs.shape[1]


if os.environ.get("FAKE_PYNQ_TABLE"):
    with np.load(os.environ["FAKE_PYNQ_TABLE"]) as _table:
        load_table(_table["inputs"], _table["outputs"])
RAILS = os.environ.get("FAKE_PYNQ_RAILS", "1") == "1"


class _Buffer(np.ndarray):
    physical_address = 0x40000000

    def flush(self):
        pass

    def invalidate(self):
        pass

    def freebuffer(self):
        pass


def allocate(shape, dtype):
    return np.zeros(shape, dtype=dtype).view(_Buffer)


class _Stream:
    """What the design has produced and the receive channel has not yet taken."""

    def __init__(self):
        self.pending = None


class _Channel:
    def __init__(self, name, stream):
        self.name = name
        self._stream = stream
        self._max_size = MAX_SIZE
        self._busy = False
        self._array = None
        self._start = 0
        self._nbytes = 0
        self.error = False

    def transfer(self, array, start=0, nbytes=0):
        if self._busy:
            raise RuntimeError("DMA channel not idle")
        if nbytes == 0:
            nbytes = array.nbytes - start
        if nbytes > self._max_size:
            raise ValueError(f"Transfer size is {nbytes} bytes, which exceeds the maximum DMA buffer size {self._max_size}.")
        LOG.append((self.name, int(nbytes)))
        self._array, self._start, self._nbytes = array, start, nbytes
        if self.name == "send":
            data = bytes(np.asarray(array).reshape(-1).view(np.uint8)[start:start + nbytes])
            if INPUT_FRAME_BYTES == 0 or len(data) % INPUT_FRAME_BYTES:
                raise RuntimeError(f"send of {len(data)} bytes is not whole frames of {INPUT_FRAME_BYTES}")
            frames = [data[i:i + INPUT_FRAME_BYTES] for i in range(0, len(data), INPUT_FRAME_BYTES)]
            unknown = [i for i, f in enumerate(frames) if f not in TABLE]
            if unknown:
                raise RuntimeError(f"frames {unknown} are not bytes the design was given in the golden vectors")
            self._stream.pending = b"".join(TABLE[f] for f in frames)
        else:
            self._busy = True

    @property
    def idle(self):
        if self.name == "send":
            return True
        return self._stream.pending is not None or not self._busy

    def wait(self):
        if self.name == "recv" and self._busy:
            out = self._stream.pending
            if out is None:
                raise RuntimeError("wait on a receive with nothing sent")
            if len(out) != self._nbytes:
                raise RuntimeError(f"the design sent {len(out)} bytes into a {self._nbytes}-byte receive")
            np.asarray(self._array).reshape(-1).view(np.uint8)[self._start:self._start + self._nbytes] = np.frombuffer(out, np.uint8)
            self._stream.pending = None
            self._busy = False


class _DMA:
    def __init__(self):
        stream = _Stream()
        self.sendchannel = _Channel("send", stream)
        self.recvchannel = _Channel("recv", stream)


class Overlay:
    def __init__(self, bitfile, download=True):
        if not os.path.exists(bitfile):
            raise IOError(f"{bitfile} does not exist")
        self.bitfile_name = bitfile
        self.download = download
        self.axi_dma = _DMA()
        self.ip_dict = {"axi_dma": {}, "zynq_ultra_ps_e_0": {}}


class Clocks:
    fclk0_mhz = 100.0


class _Sensor:
    def __init__(self, name, value):
        self.name = name
        self._value = value

    @property
    def value(self):
        return self._value


class _Rail:
    def __init__(self, name, power=None, voltage=None):
        self.name = name
        self.power = None if power is None else _Sensor(f"{name}_power", power)
        self.voltage = None if voltage is None else _Sensor(f"{name}_voltage", voltage)
        self.current = None


def get_rails(config_file=None):
    if not RAILS:
        return {}
    return {
        "VCCINT": _Rail("VCCINT", power=0.5, voltage=0.85),
        "VCCBRAM": _Rail("VCCBRAM", power=0.25, voltage=0.85),
        "VCC3V3": _Rail("VCC3V3", voltage=3.3),  # no power sensor: left out
    }


class DataRecorder:
    """pynq.DataRecorder's behaviour: a thread reads the sensors every interval; `Mark` counts
    record() and mark() calls from 0. `frame` maps column names to lists (pynq: a DataFrame)."""

    def __init__(self, *sensors):
        self._sensors = sensors
        self._columns = ["Mark"] + [s.name for s in sensors]
        self._rows = []
        self._index = -1
        self._thread = None

    def record(self, interval):
        if self._thread:
            raise RuntimeError("DataRecorder is already recording")
        self._interval = interval
        self._done = False
        self._index += 1
        self._thread = threading.Thread(target=self._run)
        self._thread.start()
        return self

    def _run(self):
        while not self._done:
            row = [self._index] + [s.value for s in self._sensors]
            self._rows.append(row)
            time.sleep(self._interval)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._done = True
        self._thread.join()
        self._thread = None

    def mark(self):
        self._index += 1

    @property
    def frame(self):
        return {name: [row[i] for row in self._rows] for i, name in enumerate(self._columns)}
