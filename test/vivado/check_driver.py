"""Exercises a generated driver for test/vivado/driver.test.ts: reads a case (JSON on stdin), runs
the driver's packing, unpacking, error messages and (with fake_pynq as the board) its Accelerator
and command line, and prints what they gave as JSON. The test compares that with the golden
vectors and the reference model; nothing is judged here, so a broken driver shows as a difference
there rather than an exception here.
"""
import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def error_of(call):
    try:
        call()
    except ValueError as error:
        return str(error)
    except Exception as error:  # the wrong kind of error is a failure the test shows
        return f"{type(error).__name__}: {error}"
    return None


def attempt(call):
    """call()'s value, or what it raised: a broken driver shows as a difference, not a crash."""
    try:
        return call()
    except Exception as error:
        return {"raised": f"{type(error).__name__}: {error}"}


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and value == float("inf"):
        return "inf"
    return value


def layout_dict(layout):
    return {
        "height": layout.height,
        "width": layout.width,
        "channels": layout.channels,
        "bits": layout.bits,
        "signed": layout.signed,
        "dataBits": layout.data_bits,
        "beatBytes": layout.beat_bytes,
        "beatsPerFrame": layout.beats_per_frame,
    }


def main():
    case = json.load(sys.stdin)
    spec = importlib.util.spec_from_file_location("driver_under_test", case["driver"])
    driver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(driver)
    out = {"pynq_imported": "pynq" in sys.modules}
    out["constants"] = {
        "design": driver.DESIGN,
        "source": driver.SOURCE,
        "input": layout_dict(driver.INPUT),
        "output": layout_dict(driver.OUTPUT),
        "cyclesPerFrame": driver.CYCLES_PER_FRAME,
        "maxTransferBytes": driver.MAX_TRANSFER_BYTES,
    }
    count = case["count"]
    images = np.array(case["images"], dtype=np.uint8).reshape([count] + case["imageShape"])
    input_bytes = bytes.fromhex(case["inputHex"])
    expected_bytes = bytes.fromhex(case["expectedHex"])
    h, w, c = case["imageShape"]

    # Packing: the reference images give the golden input bytes, in every accepted form.
    hexed = lambda array: array.tobytes().hex()
    out["packed"] = attempt(lambda: hexed(driver.pack_frames(images)))
    out["packedDtype"] = attempt(lambda: str(driver.pack_frames(images).dtype))
    out["packedInt64"] = attempt(lambda: hexed(driver.pack_frames(images.astype(np.int64))))
    out["packedList"] = attempt(lambda: hexed(driver.pack_frames(images.tolist())))
    out["packedSingle"] = attempt(lambda: hexed(driver.pack_frames(images[0])))
    if c == 1:
        out["packedNHW"] = attempt(lambda: hexed(driver.pack_frames(images[..., 0])))
        out["packedHW"] = attempt(lambda: hexed(driver.pack_frames(images[0, ..., 0])))

    # Unpacking: the golden output bytes give the reference model's values.
    unpack = lambda data, *args: driver.unpack_frames(data, count, *args)
    flat = lambda array: array.reshape(-1).tolist()
    out["unpacked"] = attempt(lambda: flat(unpack(np.frombuffer(expected_bytes, dtype=np.uint8))))
    out["unpackedShape"] = attempt(lambda: list(unpack(expected_bytes).shape))
    out["unpackedFromBytes"] = attempt(lambda: flat(unpack(expected_bytes)))

    # Round trips, both ways, on both layouts.
    out["roundTripOutput"] = attempt(lambda: hexed(driver.pack_frames(unpack(expected_bytes), driver.OUTPUT)))
    out["roundTripInput"] = attempt(lambda: flat(unpack(driver.pack_frames(images), driver.INPUT)))
    low, high = driver.OUTPUT.value_range
    rng = np.random.default_rng(1)
    extremes = rng.integers(low, high, size=(3,) + driver.OUTPUT.shape, endpoint=True)
    extremes.reshape(-1)[:2] = [low, high]
    out["roundTripExtremes"] = attempt(
        lambda: bool(np.array_equal(driver.unpack_frames(driver.pack_frames(extremes, driver.OUTPUT), 3), extremes))
    )
    unpacked = driver.unpack_frames(expected_bytes, count)

    # What bad input gives.
    frame_bytes = driver.OUTPUT.frame_bytes
    errors = {
        "shape": lambda: driver.pack_frames(np.zeros((2, h, w + 1, c), dtype=np.uint8)),
        "channelsFirst": lambda: driver.pack_frames(np.zeros((2, c + 1, h, w), dtype=np.uint8)),
        "float": lambda: driver.pack_frames(images.astype(np.float64)),
        "tooLarge": lambda: driver.pack_frames(np.full((1, h, w, c), 256, dtype=np.int32)),
        "negative": lambda: driver.pack_frames(np.full((1, h, w, c), -1, dtype=np.int32)),
        "empty": lambda: driver.pack_frames(np.zeros((0, h, w, c), dtype=np.uint8)),
        "outputRange": lambda: driver.pack_frames(np.full((1,) + driver.OUTPUT.shape, high + 1), driver.OUTPUT),
        "shortBuffer": lambda: driver.unpack_frames(np.zeros(count * frame_bytes - 1, dtype=np.uint8), count),
        "longBuffer": lambda: driver.unpack_frames(np.zeros(count * frame_bytes + 1, dtype=np.uint8), count),
        "bufferDtype": lambda: driver.unpack_frames(np.zeros(count * frame_bytes, dtype=np.int32), count),
        "countZero": lambda: driver.unpack_frames(expected_bytes, 0),
        "countFloat": lambda: driver.unpack_frames(expected_bytes, 1.5),
        "expectedSize": lambda: driver.compare_outputs(unpacked, np.zeros(count * 1000, dtype=np.int64)),
    }
    out["errors"] = {name: error_of(call) for name, call in errors.items()}
    out["goodCalls"] = error_of(lambda: driver.pack_frames(images))
    out["pynq_imported_after_packing"] = "pynq" in sys.modules

    if case.get("board"):
        out["board"] = board(driver, case, images, input_bytes, expected_bytes)
    if case.get("cli"):
        out["cli"] = cli(case, images, input_bytes, expected_bytes)
    json.dump(out, sys.stdout)


def frames_of(data, frame_bytes):
    return np.frombuffer(data, dtype=np.uint8).reshape(-1, frame_bytes)


def board(driver, case, images, input_bytes, expected_bytes):
    sys.path.insert(0, HERE)
    import fake_pynq

    sys.modules["pynq"] = fake_pynq
    fake_pynq.load_table(frames_of(input_bytes, driver.INPUT.frame_bytes), frames_of(expected_bytes, driver.OUTPUT.frame_bytes))
    bitfile = os.path.join(case["work"], "design.bit")
    open(bitfile, "wb").close()
    result = {}
    result["missingBitfile"] = error_of(lambda: driver.Accelerator(os.path.join(case["work"], "none.bit")))
    # A limit of two frames per transfer, so that the four frames take two transfers.
    limit = 2 * max(driver.INPUT.frame_bytes, driver.OUTPUT.frame_bytes) + 1
    fake_pynq.MAX_SIZE = limit
    accelerator = driver.Accelerator(bitfile)
    result["maxTransferBytes"] = accelerator.max_transfer_bytes
    fake_pynq.LOG.clear()
    outputs, seconds = accelerator.run(images)
    result["outputs"] = outputs.reshape(-1).tolist()
    result["seconds"] = seconds
    result["log"] = [list(entry) for entry in fake_pynq.LOG]
    fake_pynq.LOG.clear()
    outputs, _ = accelerator.run(images, batch=1)
    result["outputsBatch1"] = outputs.reshape(-1).tolist()
    result["logBatch1"] = [list(entry) for entry in fake_pynq.LOG]
    result["batchTooLarge"] = error_of(lambda: accelerator.run(images, batch=3))
    result["batchZero"] = error_of(lambda: accelerator.run(images, batch=0))

    if not case.get("measure"):
        accelerator.close()
        return result
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        measured = accelerator.measure(images, repeats=2, min_seconds=0.01, idle_seconds=0.12)
    result["measure"] = jsonable(measured)
    result["measurePrinted"] = printed.getvalue()
    result["measureLines"] = driver.format_measurement(measured)
    result["unknownRail"] = error_of(lambda: accelerator.measure(images, repeats=1, min_seconds=0, idle_seconds=0, rails=["VCCAUX"]))

    fake_pynq.RAILS = False
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        measured = accelerator.measure(images, repeats=3, min_seconds=0, idle_seconds=0)
    result["measureNoRails"] = jsonable(measured)
    result["measureNoRailsPrinted"] = printed.getvalue()
    result["measureNoRailsLines"] = driver.format_measurement(measured)
    fake_pynq.RAILS = True
    accelerator.close()
    return result


def cli(case, images, input_bytes, expected_bytes):
    work = case["work"]
    fake = os.path.join(work, "fake")
    os.makedirs(fake, exist_ok=True)
    shutil.copy(os.path.join(HERE, "fake_pynq.py"), os.path.join(fake, "pynq.py"))
    count = case["count"]
    reference = np.array(case["outputs"], dtype=np.int64)
    np.save(os.path.join(work, "images.npy"), images)
    np.save(os.path.join(work, "expected.npy"), reference)
    wrong = reference.copy()
    wrong[-1] += 1
    np.save(os.path.join(work, "wrong.npy"), wrong)
    np.save(os.path.join(work, "floats.npy"), images.astype(np.float32))
    np.savez(
        os.path.join(work, "table.npz"),
        inputs=frames_of(input_bytes, len(input_bytes) // count),
        outputs=frames_of(expected_bytes, len(expected_bytes) // count),
    )
    bitfile = os.path.join(work, "design.bit")
    open(bitfile, "wb").close()
    env = dict(os.environ, PYTHONPATH=fake, FAKE_PYNQ_TABLE=os.path.join(work, "table.npz"))

    def run(*args, bitfile=bitfile, env=env):
        done = subprocess.run(
            [sys.executable, "-B", case["driver"], "--bitfile", bitfile, *args],
            env=env, capture_output=True, text=True, timeout=60,
        )
        return {"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

    images_npy = os.path.join(work, "images.npy")
    without_pynq = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAKE_PYNQ_TABLE")}

    common = ["--repeats", "2", "--seconds", "0.01", "--idle", "0.12"]
    return {
        "good": run("--images", os.path.join(work, "images.npy"), "--expected", os.path.join(work, "expected.npy"), *common),
        "wrong": run("--images", os.path.join(work, "images.npy"), "--expected", os.path.join(work, "wrong.npy"), "--repeats", "0"),
        "floats": run("--images", os.path.join(work, "floats.npy")),
        "noBitfile": run("--images", images_npy, bitfile=os.path.join(work, "none.bit")),
        "noPynq": run("--images", images_npy, env=without_pynq),
    }


if __name__ == "__main__":
    main()
