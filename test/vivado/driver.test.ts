/**
 * The generated PYNQ driver against the golden vectors: its pack_frames gives the bytes of the
 * input beats the RTL is simulated with, its unpack_frames turns the bytes of the expected beats
 * into the reference model's values (signs included), both round-trip, bad input gets clear
 * ValueErrors, and its Accelerator and command line, on test/vivado/fake_pynq.py as the board,
 * split batches at the DMA's limit and return the reference outputs. Mutants of the driver (byte
 * order, sign extension) fail the same comparisons. Runs Debian's python3 with python3-numpy (CI
 * installs it); a missing one fails the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POTGEN_VERSION } from '../../generator/core/paths.ts';
import type { Conv2dOptions, InputOptions } from '../../generator/dsl/types.ts';
import type { Origin } from '../../generator/emit/emitLayers.ts';
import type { NetworkHW } from '../../generator/ir/types.ts';
import { runNetwork } from '../../generator/reference/referenceModel.ts';
import { makeVectors, type Beat } from '../../generator/reference/vectors.ts';
import { DMA_LENGTH_BITS, driverFileName, emitDriver } from '../../generator/vivado/driver.ts';
import { streamLayout, type StreamLayout, type StreamSide } from '../../generator/vivado/streamLayout.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

const PYTHON = '/usr/bin/python3';
const CHECK = path.resolve(import.meta.dirname, 'check_driver.py');

interface Case {
  readonly name: string;
  readonly what: string;
  readonly input: InputOptions;
  readonly layer: Omit<Conv2dOptions, 'name'>;
  /** The output stream's bits per beat and DMA beat bytes this case is meant to exercise. */
  readonly outputBits: number;
  readonly outputBeatBytes: number;
  readonly inputBeatBytes: number;
  readonly measure?: boolean;
  readonly cli?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'drv_gray',
    what: 'one 8-bit input channel, two unsigned 8-bit output channels',
    input: { height: 6, width: 6, channels: 1 },
    layer: { outChannels: 2, kernel: 3 },
    inputBeatBytes: 1,
    outputBits: 16,
    outputBeatBytes: 2,
    measure: true,
  },
  {
    name: 'drv_rgb',
    what: 'three input channels: 24 bits padded to a 4-byte beat',
    input: { height: 6, width: 6, channels: 3 },
    layer: { outChannels: 3, kernel: 3, padding: 'same' },
    inputBeatBytes: 4,
    outputBits: 24,
    outputBeatBytes: 4,
  },
  {
    name: 'drv_signed',
    what: 'signed outputs (activation none)',
    input: { height: 5, width: 5, channels: 2 },
    layer: { outChannels: 4, kernel: 3, activation: 'none' },
    inputBeatBytes: 2,
    outputBits: 32,
    outputBeatBytes: 4,
    cli: true,
  },
  {
    name: 'drv_odd',
    what: 'signed 5-bit outputs: 15-bit beats, channels across byte boundaries',
    input: { height: 6, width: 6, channels: 1 },
    layer: { outChannels: 3, kernel: 3, activation: 'none', activationBits: 5 },
    inputBeatBytes: 1,
    outputBits: 15,
    outputBeatBytes: 2,
  },
  {
    name: 'drv_wide',
    what: 'nine unsigned 9-bit outputs: an 81-bit beat in 16 bytes',
    input: { height: 4, width: 4, channels: 2 },
    layer: { outChannels: 9, kernel: 1, activationBits: 9 },
    inputBeatBytes: 2,
    outputBits: 81,
    outputBeatBytes: 16,
  },
];

/** A built design with its driver written into the temp folder, and what the driver must give. */
interface Prepared {
  readonly c: Case;
  readonly hw: NetworkHW;
  readonly layout: StreamLayout;
  readonly origin: Origin;
  readonly driver: string;
  readonly driverPath: string;
  readonly work: string;
  readonly count: number;
  readonly imageShape: [number, number, number];
  readonly images: number[];
  /** The golden input and expected beats as DMA bytes: each beat little-endian in beatBytes. */
  readonly inputHex: string;
  readonly expectedHex: string;
  /** The reference model's last feature map of every image, concatenated. */
  readonly reference: number[];
}

interface Layout {
  height: number;
  width: number;
  channels: number;
  bits: number;
  signed: boolean;
  dataBits: number;
  beatBytes: number;
  beatsPerFrame: number;
}

/** What check_driver.py reports. */
interface PyResult {
  pynq_imported: boolean;
  pynq_imported_after_packing: boolean;
  constants: { design: string; source: string; input: Layout; output: Layout; cyclesPerFrame: number; maxTransferBytes: number };
  packed: string;
  packedDtype: string;
  packedInt64: string;
  packedList: string;
  packedSingle: string;
  packedNHW?: string;
  packedHW?: string;
  unpacked: number[];
  unpackedShape: number[];
  unpackedFromBytes: number[];
  roundTripOutput: string;
  roundTripInput: number[];
  roundTripExtremes: boolean;
  errors: Record<string, string | null>;
  goodCalls: string | null;
  board?: {
    missingBitfile: string | null;
    maxTransferBytes: number;
    outputs: number[];
    seconds: number;
    log: [string, number][];
    outputsBatch1: number[];
    logBatch1: [string, number][];
    batchTooLarge: string | null;
    batchZero: string | null;
    measure?: Record<string, unknown>;
    measurePrinted?: string;
    measureLines?: string[];
    unknownRail?: string | null;
    measureNoRails?: Record<string, unknown>;
    measureNoRailsPrinted?: string;
    measureNoRailsLines?: string[];
  };
  cli?: Record<'good' | 'wrong' | 'floats' | 'noBitfile' | 'noPynq', { status: number; stdout: string; stderr: string }>;
}

function beatsHex(beats: readonly Beat[], beatBytes: number): string {
  let hex = '';
  for (const beat of beats) {
    let data = beat.data;
    for (let i = 0; i < beatBytes; i++) {
      hex += Number(data & 0xffn).toString(16).padStart(2, '0');
      data >>= 8n;
    }
    if (data !== 0n) throw new Error(`beat ${beat.data.toString(16)} is wider than ${beatBytes} bytes`);
  }
  return hex;
}

const dir = tempDir('potgen-driver-');
const prepared = new Map<string, Prepared>();

function prepare(c: Case): Prepared {
  const done = prepared.get(c.name);
  if (done) return done;
  const built = buildInto(dir, convNetwork(c.name, c.input, c.layer));
  const hw = built.hw;
  const origin: Origin = { version: POTGEN_VERSION, source: hw.source };
  const layout = streamLayout(hw);
  const driver = emitDriver(hw, origin);
  const work = path.join(built.out, 'driver');
  mkdirSync(work, { recursive: true });
  const driverPath = path.join(work, driverFileName(hw.name));
  writeFileSync(driverPath, driver);
  const vectors = makeVectors(hw, built.images);
  const p: Prepared = {
    c,
    hw,
    layout,
    origin,
    driver,
    driverPath,
    work,
    count: built.images.length,
    imageShape: [hw.input.height, hw.input.width, hw.input.channels],
    images: built.images.flatMap((image) => Array.from(image.data)),
    inputHex: beatsHex(vectors.input, layout.input.beatBytes),
    expectedHex: beatsHex(vectors.expected, layout.output.beatBytes),
    reference: built.images.flatMap((image) => Array.from(runNetwork(hw, image).at(-1)!.data)),
  };
  prepared.set(c.name, p);
  return p;
}

/** Runs check_driver.py on a driver file (the generated one unless given). */
function check(p: Prepared, options: { driverPath?: string; board?: boolean; cli?: boolean; measure?: boolean } = {}): PyResult {
  const payload = {
    driver: options.driverPath ?? p.driverPath,
    work: p.work,
    count: p.count,
    imageShape: p.imageShape,
    images: p.images,
    inputHex: p.inputHex,
    expectedHex: p.expectedHex,
    outputs: p.reference,
    board: options.board ?? false,
    cli: options.cli ?? false,
    measure: options.measure ?? false,
  };
  const run = spawnSync(PYTHON, ['-B', CHECK], { input: JSON.stringify(payload), encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(run.error, `${PYTHON} must run (apt-get install -y python3-numpy)`).toBeUndefined();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as PyResult;
}

function sideOf(side: StreamSide): Layout {
  const { height, width, channels, bits, signed, dataBits, beatBytes, beatsPerFrame } = side;
  return { height, width, channels, bits, signed, dataBits, beatBytes, beatsPerFrame };
}

/** Where the driver's results differ from the golden vectors and the reference model: empty when it is right. */
function discrepancies(p: Prepared, r: PyResult): string[] {
  const out: string[] = [];
  const same = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(what);
  };
  same('constants', r.constants, {
    design: p.hw.name,
    source: p.origin.source,
    input: sideOf(p.layout.input),
    output: sideOf(p.layout.output),
    cyclesPerFrame: p.hw.cyclesPerFrame,
    maxTransferBytes: 2 ** DMA_LENGTH_BITS - 1,
  });
  same('pack: bytes', r.packed, p.inputHex);
  same('pack: dtype', r.packedDtype, 'uint8');
  same('pack: int64 frames', r.packedInt64, p.inputHex);
  same('pack: nested lists', r.packedList, p.inputHex);
  const frameHex = p.layout.input.beatsPerFrame * p.layout.input.beatBytes * 2;
  same('pack: one frame', r.packedSingle, p.inputHex.slice(0, frameHex));
  if (p.layout.input.channels === 1) {
    same('pack: (N, H, W)', r.packedNHW, p.inputHex);
    same('pack: (H, W)', r.packedHW, p.inputHex.slice(0, frameHex));
  }
  const o = p.layout.output;
  same('unpack: values', r.unpacked, p.reference);
  same('unpack: shape', r.unpackedShape, [p.count, o.height, o.width, o.channels]);
  same('unpack: from bytes', r.unpackedFromBytes, p.reference);
  same('round trip: output bytes', r.roundTripOutput, p.expectedHex);
  same('round trip: input values', r.roundTripInput, p.images);
  same('round trip: extreme values', r.roundTripExtremes, true);
  if (r.board) {
    same('board: outputs', r.board.outputs, p.reference);
    same('board: outputs one frame per transfer', r.board.outputsBatch1, p.reference);
  }
  return out;
}

/** The driver text with `from` replaced by `to`, written beside the real one; `from` must occur exactly once. */
function mutant(p: Prepared, name: string, from: string, to: string): string {
  expect(p.driver.split(from).length - 1, `the driver must contain ${JSON.stringify(from)} exactly once`).toBe(1);
  const file = path.join(p.work, `mutant_${name}.py`);
  writeFileSync(file, p.driver.replace(from, to));
  return file;
}

describe('emitDriver', () => {
  it('is deterministic and carries the generated-file header', () => {
    const p = prepare(CASES[0]!);
    expect(emitDriver(p.hw, p.origin)).toBe(p.driver);
    expect(readFileSync(p.driverPath, 'utf8')).toBe(p.driver);
    const lines = p.driver.split('\n');
    expect(lines[0]).toBe('#!/usr/bin/env python3');
    expect(lines[1]).toBe(`# drv_gray_driver.py: generated by potgen ${POTGEN_VERSION} from ${p.origin.source}. Do not edit: rebuild instead.`);
    expect(p.driver).toContain('DESIGN = "drv_gray"\n');
    expect(p.driver).toContain('INPUT = Layout("input", 6, 6, 1, 8, False, 1, 36)\n');
    expect(p.driver).toContain('OUTPUT = Layout("output", 4, 4, 2, 8, False, 2, 16)\n');
    expect(p.driver).toContain(`CYCLES_PER_FRAME = ${p.hw.cyclesPerFrame}\n`);
    expect(p.driver).toContain('MAX_TRANSFER_BYTES = 2**26 - 1\n');
    expect(p.driver.endsWith('\n')).toBe(true);
  });
});

describe.each(CASES)('the driver of $name ($what)', (c) => {
  it('packs, unpacks and round-trips the golden vectors exactly, and runs them through a board', () => {
    const p = prepare(c);
    // The case exercises what it says.
    expect(p.layout.input.beatBytes).toBe(c.inputBeatBytes);
    expect(p.layout.output.dataBits).toBe(c.outputBits);
    expect(p.layout.output.beatBytes).toBe(c.outputBeatBytes);
    // Values reach each channel's top bit (the sign, when signed), so no bit of the layout goes untested.
    const top = 2 ** (p.layout.output.bits - 1);
    expect(p.reference.some((v) => (p.layout.output.signed ? v < 0 : v >= top))).toBe(true);
    expect(p.count).toBeGreaterThanOrEqual(4);

    const r = check(p, { board: true, measure: c.measure, cli: c.cli });
    expect(r.constants.input).toEqual(sideOf(p.layout.input));
    expect(r.constants.output).toEqual(sideOf(p.layout.output));
    expect(r.packed).toBe(p.inputHex);
    expect(r.unpacked).toEqual(p.reference);
    expect(discrepancies(p, r)).toEqual([]);
    expect(r.pynq_imported).toBe(false);
    expect(r.pynq_imported_after_packing).toBe(false);
    expect(r.goodCalls).toBeNull();

    // Bad input: ValueErrors that say what is wrong.
    const { input: i, output: o } = p.layout;
    const [h, w, ch] = p.imageShape;
    const shapes = ch === 1 ? `(N, ${h}, ${w}, 1), (${h}, ${w}, 1), (N, ${h}, ${w}) or (${h}, ${w})` : `(N, ${h}, ${w}, ${ch}) or (${h}, ${w}, ${ch})`;
    const outBytes = p.count * o.beatsPerFrame * o.beatBytes;
    const [low, high] = o.signed ? [-(2 ** (o.bits - 1)), 2 ** (o.bits - 1) - 1] : [0, 2 ** o.bits - 1];
    expect(r.errors).toEqual({
      shape: `input frames have shape (2, ${h}, ${w + 1}, ${ch}), but ${c.name} takes ${shapes} (channels last)`,
      channelsFirst: `input frames have shape (2, ${ch + 1}, ${h}, ${w}), but ${c.name} takes ${shapes} (channels last)`,
      float: 'input frames must hold integers, not float64 values',
      tooLarge: 'input values run from 256 to 256, outside the 8-bit unsigned range 0..255',
      negative: 'input values run from -1 to -1, outside the 8-bit unsigned range 0..255',
      empty: `there are no input frames: the array has shape (0, ${h}, ${w}, ${ch})`,
      outputRange: `output values run from ${high + 1} to ${high + 1}, outside the ${o.bits}-bit ${o.signed ? 'signed' : 'unsigned'} range ${low}..${high}`,
      shortBuffer: `the buffer holds ${outBytes - 1} bytes, but ${p.count} output frame(s) of ${o.height}x${o.width}x${o.channels} take ${outBytes} (${o.beatsPerFrame} beats of ${o.beatBytes} bytes each)`,
      longBuffer: `the buffer holds ${outBytes + 1} bytes, but ${p.count} output frame(s) of ${o.height}x${o.width}x${o.channels} take ${outBytes} (${o.beatsPerFrame} beats of ${o.beatBytes} bytes each)`,
      bufferDtype: 'the buffer must hold uint8 bytes, not int32 values',
      countZero: 'count must be a whole number of frames, 1 or more, not 0',
      countFloat: 'count must be a whole number of frames, 1 or more, not 1.5',
      expectedSize: `expected outputs have shape (${p.count * 1000},) (${p.count * 1000} values), but ${p.count} frame(s) of ${o.height}x${o.width}x${o.channels} outputs hold ${p.count * o.height * o.width * o.channels}`,
    });

    // The board: batches split at the DMA's length limit (two frames here), receive before send.
    const b = r.board!;
    const inFrame = i.beatsPerFrame * i.beatBytes;
    const outFrame = o.beatsPerFrame * o.beatBytes;
    const limit = 2 * Math.max(inFrame, outFrame) + 1;
    expect(b.maxTransferBytes).toBe(limit);
    const pairs = (frames: number[]): [string, number][] => frames.flatMap((n) => [['recv', n * outFrame] as [string, number], ['send', n * inFrame] as [string, number]]);
    expect(b.log).toEqual(pairs(Array.from({ length: Math.ceil(p.count / 2) }, (_, k) => Math.min(2, p.count - 2 * k))));
    expect(b.logBatch1).toEqual(pairs(Array(p.count).fill(1)));
    expect(b.seconds).toBeGreaterThanOrEqual(0);
    expect(b.batchTooLarge).toBe(`a batch of 3 frames exceeds the DMA's ${limit}-byte transfer limit: at most 2 frames per transfer`);
    expect(b.batchZero).toBe('batch must be a whole number of frames, 1 or more, not 0');
    expect(b.missingBitfile).toMatch(new RegExp(`^FileNotFoundError: no bitstream .*none\\.bit: copy ${c.name}\\.bit and ${c.name}\\.hwh from the Vivado build`));

    if (c.measure) {
      const m = b.measure!;
      expect(b.measurePrinted).toBe('');
      expect(m.runs as number).toBeGreaterThanOrEqual(2);
      expect(m.frames).toBe((m.runs as number) * p.count);
      expect(Object.keys(m.power_w as object)).toEqual(['VCCBRAM', 'VCCINT']); // the rail without a power sensor is left out
      expect(m.power_w).toEqual({ VCCBRAM: 0.25, VCCINT: 0.5 });
      expect(m.total_power_w).toBe(0.75);
      expect(m.idle_power_w).toEqual({ VCCBRAM: 0.25, VCCINT: 0.5 });
      expect(m.idle_total_power_w).toBe(0.75);
      expect(m.energy_per_frame_j as number).toBeCloseTo((0.75 * (m.wall_seconds as number)) / (m.frames as number), 12);
      expect(m.dynamic_energy_per_frame_j).toBe(0);
      expect(m.clock_mhz).toBe(100);
      expect(m.ideal_frames_per_second as number).toBeCloseTo(100e6 / p.hw.cyclesPerFrame, 6);
      expect(m.frames_per_second as number).toBeGreaterThan(0);
      expect(b.measureLines![0]).toMatch(/^throughput: [0-9.]+ frames\/s \(\d+ frames in \d+ runs, [0-9.]+ s of DMA transfers\)$/);
      expect(b.measureLines!.slice(1)).toEqual([
        `pl_clk0: 100.000 MHz; at ${p.hw.cyclesPerFrame} cycles per frame the design can reach ${(100e6 / p.hw.cyclesPerFrame).toFixed(1)} frames/s`,
        'power while running, W (idle):',
        '  VCCBRAM    0.2500  (0.2500)',
        '  VCCINT     0.5000  (0.5000)',
        '  total      0.7500  (0.7500)',
        expect.stringMatching(/^energy per frame: [0-9.]+ uJ \(0\.000 uJ above idle\)$/),
      ]);
      expect(b.unknownRail).toBe('no power sensor on rail(s) VCCAUX; the board has VCCBRAM, VCCINT');

      const n = b.measureNoRails!;
      expect(b.measureNoRailsPrinted).toBe('note: pynq.get_rails() offers no power sensors on this board: measuring throughput only\n');
      expect(n.runs as number).toBeGreaterThanOrEqual(3);
      expect(n.frames_per_second as number).toBeGreaterThan(0);
      for (const key of ['power_w', 'total_power_w', 'idle_power_w', 'idle_total_power_w', 'energy_per_frame_j', 'dynamic_energy_per_frame_j']) {
        expect(n[key], key).toBeNull();
      }
      expect(b.measureNoRailsLines!.at(-1)).toBe('power: not measured');
    }

    if (c.cli) {
      const cli = r.cli!;
      expect(cli.good.stderr).toBe('');
      expect(cli.good.status).toBe(0);
      expect(cli.good.stdout).toMatch(new RegExp(`^${c.name}: ${p.count} frame\\(s\\) in [0-9.]+ ms of DMA transfers$`, 'm'));
      expect(cli.good.stdout).toContain(`agreement: ${p.count}/${p.count} frames equal the expected outputs (0 values differ)\n`);
      expect(cli.good.stdout).toMatch(/^throughput: [0-9.]+ frames\/s/m);
      expect(cli.good.stdout).toContain('  total      0.7500  (0.7500)\n');
      expect(cli.good.stdout).toMatch(/^energy per frame: [0-9.]+ uJ/m);
      expect(cli.wrong.status).toBe(1);
      expect(cli.wrong.stdout).toContain(`agreement: ${p.count - 1}/${p.count} frames equal the expected outputs (1 values differ)\nfirst differing frame: ${p.count - 1}\n`);
      expect(cli.wrong.stdout).not.toContain('throughput');
      expect(cli.floats.status).toBe(2);
      expect(cli.floats.stderr).toBe('error: input frames must hold integers, not float32 values\n');
      expect(cli.noBitfile.status).toBe(2);
      expect(cli.noBitfile.stderr).toMatch(new RegExp(`^error: no bitstream .*none\\.bit: copy ${c.name}\\.bit and ${c.name}\\.hwh from the Vivado build beside this driver, or name the bitstream\n$`));
      expect(cli.noPynq.status).toBe(2);
      expect(cli.noPynq.stderr).toMatch(/^error: the board needs pynq, which this Python lacks \(run on the PYNQ image\): No module named 'pynq'\n$/);
    }
  });
});

describe('the comparisons catch a broken driver', () => {
  it('catches little-endian bytes packed big-endian', () => {
    const p = prepare(CASES[1]!); // 4-byte input beats
    const file = mutant(p, 'pack_order', 'beats[:, byte] |=', 'beats[:, layout.beat_bytes - 1 - byte] |=');
    const found = discrepancies(p, check(p, { driverPath: file }));
    expect(found).toContain('pack: bytes');
    expect(found).toContain('round trip: output bytes');
  });

  it('catches bytes unpacked in the wrong order', () => {
    const p = prepare(CASES[0]!); // 2-byte output beats
    const file = mutant(p, 'unpack_order', 'part = beats[:, byte].astype', 'part = beats[:, layout.beat_bytes - 1 - byte].astype');
    const found = discrepancies(p, check(p, { driverPath: file }));
    expect(found).toContain('unpack: values');
    expect(found).not.toContain('pack: bytes');
  });

  it('catches signed outputs left without sign extension', () => {
    for (const c of [CASES[2]!, CASES[3]!]) {
      const p = prepare(c);
      const file = mutant(p, 'no_sign', 'value -= (value >> (layout.bits - 1)) << layout.bits', 'pass');
      const found = discrepancies(p, check(p, { driverPath: file }));
      expect(found, c.name).toContain('unpack: values');
    }
  });

  it('catches a wrong constant', () => {
    const p = prepare(CASES[1]!);
    const file = mutant(p, 'beat_bytes', 'INPUT = Layout("input", 6, 6, 3, 8, False, 4,', 'INPUT = Layout("input", 6, 6, 3, 8, False, 3,');
    const found = discrepancies(p, check(p, { driverPath: file }));
    expect(found).toEqual(expect.arrayContaining(['constants', 'pack: bytes']));
  });
});
