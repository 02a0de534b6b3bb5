/**
 * The emitters: pure functions from the hardware IR (and golden vectors) to a BuildPlan, a sorted
 * map from relative path to file text. Nothing here touches the disk; ../write does.
 */
import { roundingOffset } from '../arith/rules.ts';
import type { ArgmaxHW, ConvLayerHW, LayerHW, NetworkHW, PoolLayerHW } from '../ir/types.ts';
import type { Vectors } from '../reference/vectors.ts';
import { libraryFiles, render, TEMPLATE_DIR, TESTBENCH_DIR } from './templates.ts';
import { addressBits, hexDigits, hexLiteral, twosComplement } from './verilog.ts';

/** Relative path → file text; paths use '/' and the map is sorted. */
export type BuildPlan = ReadonlyMap<string, string>;

/** What the `sim` and `lint` commands need to know about a built design. */
export interface DesignManifest {
  readonly design: string;
  readonly top: string;
  readonly testbench: string;
  readonly source: string;
  readonly rtl: readonly string[];
  readonly tb: readonly string[];
  readonly frames: number;
  readonly steadyFrames: number;
  readonly cyclesPerFrame: number;
  readonly layers: readonly LayerSummary[];
}

/** Per-layer facts for reports; the weight fields are absent for layers without weights. */
export interface LayerSummary {
  readonly kind: string;
  readonly name: string;
  readonly module: string;
  readonly cyclesPerFrame: number;
  readonly quant?: string;
  readonly weightBits?: number;
  readonly pe?: number;
  readonly simd?: number;
  readonly cyclesPerPixel?: number;
  readonly widths?: { readonly product: number; readonly accumulator: number; readonly requant: number };
  readonly zeroWeights?: number;
  readonly weights?: number;
  readonly shift?: number;
}

/** The hand-written library modules each layer kind instantiates. */
const LIBRARY_MODULES: Readonly<Record<LayerHW['kind'], readonly string[]>> = {
  conv2d: ['potgen_conv_layer', 'potgen_window', 'potgen_dot_array', 'potgen_adder_tree', 'potgen_axis_fifo'],
  maxPool2d: ['potgen_pool_layer', 'potgen_window', 'potgen_axis_fifo'],
  argmax: ['potgen_argmax'],
};

/** The library modules a design needs, so that its rtl/ holds nothing unused. */
function libraryModules(hw: NetworkHW): Set<string> {
  return new Set(hw.layers.flatMap((l) => LIBRARY_MODULES[l.kind]));
}

/** Header values every generated file carries. */
interface Origin {
  readonly version: string;
  readonly source: string;
}

/** Emits RTL, testbench, vectors and the manifest of a design. `steadyFrames` of the vectors run at full rate. */
export function emitDesign(hw: NetworkHW, vectors: Vectors, steadyFrames: number, origin: Origin): BuildPlan {
  const files = new Map<string, string>();
  for (const [name, text] of libraryFiles(libraryModules(hw))) files.set(`rtl/${name}`, text);
  for (const layer of hw.layers) {
    for (const [name, text] of emitLayer(layer, origin)) files.set(`rtl/${name}`, text);
  }
  const top = `${hw.name}_top`;
  files.set(`rtl/${top}.v`, emitTop(hw, origin));
  const tb = `${hw.name}_tb`;
  files.set(`tb/${tb}.v`, emitTestbench(hw, vectors, steadyFrames, origin));
  files.set('tb/input.hex', beatsHex(vectors.input, vectors.inputWidth, false));
  files.set('tb/expected.hex', beatsHex(vectors.expected, vectors.outputWidth, true));
  const manifest: DesignManifest = {
    design: hw.name,
    top,
    testbench: tb,
    source: origin.source,
    rtl: [...files.keys()].filter((p) => p.startsWith('rtl/')).sort(),
    tb: [`tb/${tb}.v`],
    frames: vectors.frames,
    steadyFrames,
    cyclesPerFrame: hw.cyclesPerFrame,
    layers: hw.layers.map(summarise),
  };
  files.set('potgen.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function summarise(layer: LayerHW): LayerSummary {
  const base = { kind: layer.kind === 'conv2d' ? layer.origin : layer.kind, name: layer.name, module: layer.moduleName, cyclesPerFrame: layer.cyclesPerFrame };
  if (layer.kind !== 'conv2d') return base;
  return {
    ...base,
    quant: layer.quant,
    weightBits: layer.weightBits,
    pe: layer.pe,
    simd: layer.simd,
    cyclesPerPixel: layer.folding.cyclesPerPixel,
    widths: layer.widths,
    zeroWeights: layer.weightValues.filter((v) => v === 0).length,
    weights: layer.weightValues.length,
    shift: layer.shift,
  };
}

function header(file: string, origin: Origin): { file: string; version: string; source: string } {
  return { file, ...origin };
}

/** The generated files of one layer, name → text. */
function emitLayer(layer: LayerHW, origin: Origin): [string, string][] {
  switch (layer.kind) {
    case 'conv2d':
      return emitConvLayer(layer, origin);
    case 'maxPool2d':
      return [[`${layer.moduleName}.v`, emitPoolLayer(layer, origin)]];
    case 'argmax':
      return [[`${layer.moduleName}.v`, emitArgmax(layer, origin)]];
  }
}

function emitPoolLayer(layer: PoolLayerHW, origin: Origin): string {
  const width = layer.input.channels * layer.inputBits;
  return render(TEMPLATE_DIR, 'library_wrapper.v.hbs', {
    ...header(`${layer.moduleName}.v`, origin),
    module: layer.moduleName,
    description: [
      `Layer ${layer.name}: max pooling ${layer.kernel}x${layer.kernel}, stride ${layer.stride}, padding ${layer.pad},`,
      `${layer.input.height}x${layer.input.width}x${layer.input.channels} -> ${layer.output.height}x${layer.output.width}x${layer.output.channels}, ${layer.inputBits}-bit activations,`,
      `${layer.kernel * layer.kernel} cycles per output pixel, ${layer.cyclesPerFrame} cycles per frame in steady state.`,
    ],
    library: 'potgen_pool_layer',
    inWidthMsb: width - 1,
    outWidthMsb: width - 1,
    parameters: [
      ['H', layer.input.height],
      ['W', layer.input.width],
      ['C', layer.input.channels],
      ['AB', layer.inputBits],
      ['K', layer.kernel],
      ['S', layer.stride],
      ['PAD', layer.pad],
      ['R', layer.bufferRows],
      ['FIFO_DEPTH', layer.fifoDepth],
    ].map(([name, value]) => ({ name, value })),
  });
}

function emitArgmax(layer: ArgmaxHW, origin: Origin): string {
  return render(TEMPLATE_DIR, 'library_wrapper.v.hbs', {
    ...header(`${layer.moduleName}.v`, origin),
    module: layer.moduleName,
    description: [
      `Layer ${layer.name}: arg-max over ${layer.input.channels} ${layer.signedInput ? 'signed' : 'unsigned'} ${layer.inputBits}-bit values,`,
      `one ${layer.outputBits}-bit index per frame (the first on ties).`,
    ],
    library: 'potgen_argmax',
    inWidthMsb: layer.input.channels * layer.inputBits - 1,
    outWidthMsb: layer.outputBits - 1,
    parameters: [
      ['N', layer.input.channels],
      ['AB', layer.inputBits],
      ['SIGNED', layer.signedInput ? 1 : 0],
      ['OB', layer.outputBits],
    ].map(([name, value]) => ({ name, value })),
  });
}

/** The layer wrapper and its two ROMs. */
function emitConvLayer(layer: ConvLayerHW, origin: Origin): [string, string][] {
  const { folding, widths } = layer;
  const weightsModule = `${layer.moduleName}_weights`;
  const biasModule = `${layer.moduleName}_bias`;
  const weightWord = layer.pe * layer.simd * layer.weightBits;
  const biasWord = layer.pe * widths.requant;
  const parameters: [string, number][] = [
    ['H', layer.input.height],
    ['W', layer.input.width],
    ['C', layer.input.channels],
    ['OC', layer.output.channels],
    ['K', layer.kernel],
    ['S', layer.stride],
    ['PAD', layer.pad],
    ['PE', layer.pe],
    ['SIMD', layer.simd],
    ['AB_IN', layer.inputBits],
    ['AB_OUT', layer.outputBits],
    ['WB', layer.weightBits],
    ['MODE_POT', layer.quant === 'pot' ? 1 : 0],
    ['PW', widths.product],
    ['SW', widths.accumulator],
    ['RQW', widths.requant],
    ['SHIFT', layer.shift],
    ['RELU', layer.relu ? 1 : 0],
    ['R', layer.bufferRows],
    ['FIFO_DEPTH', layer.fifoDepth],
  ];
  const wrapper = render(TEMPLATE_DIR, 'conv_layer.v.hbs', {
    ...header(`${layer.moduleName}.v`, origin),
    module: layer.moduleName,
    layer: layer.name,
    kernel: layer.kernel,
    stride: layer.stride,
    pad: layer.pad,
    inH: layer.input.height,
    inW: layer.input.width,
    inC: layer.input.channels,
    outH: layer.output.height,
    outW: layer.output.width,
    outC: layer.output.channels,
    quantLabel: `${layer.weightBits}-bit ${layer.quant === 'pot' ? 'power-of-two' : 'uniform'}`,
    kindLabel: layer.origin === 'dense' ? `dense (a ${layer.kernel}x${layer.kernel} convolution over the whole map)` : `conv2d ${layer.kernel}x${layer.kernel}`,
    activationLabel: layer.relu ? `ReLU, ${layer.outputBits}-bit unsigned outputs` : `no ReLU, ${layer.outputBits}-bit signed outputs`,
    weightExponent: layer.weightExponent,
    shift: layer.shift,
    outBits: layer.outputBits,
    pe: layer.pe,
    simd: layer.simd,
    cyclesPerPixel: folding.cyclesPerPixel,
    cyclesPerFrame: layer.cyclesPerFrame,
    productWidth: widths.product,
    accWidth: widths.accumulator,
    requantWidth: widths.requant,
    inWidthMsb: layer.input.channels * layer.inputBits - 1,
    outWidthMsb: layer.output.channels * layer.outputBits - 1,
    weightAddrMsb: addressBits(folding.cyclesPerPixel) - 1,
    weightWordMsb: weightWord - 1,
    biasAddrMsb: addressBits(folding.peFolds) - 1,
    biasWordMsb: biasWord - 1,
    parameters: parameters.map(([name, value]) => ({ name, value })),
    weightsModule,
    biasModule,
  });
  const weights = emitRom(weightsModule, weightRomWords(layer), weightWord, origin, {
    description: `Weight ROM of ${layer.name}: word f holds the ${layer.pe}x${layer.simd} ${layer.quant === 'pot' ? 'PoT codes {sign, m}' : 'two\'s-complement weights'} of fold step f (pe-group > ky > kx > simd-group).`,
    layout: `code of output lane l, input lane i at [(l*${layer.simd} + i)*${layer.weightBits} +: ${layer.weightBits}].`,
  });
  const bias = emitRom(biasModule, biasRomWords(layer), biasWord, origin, {
    description: `Bias ROM of ${layer.name}: per PE group, bias + 2^(shift-1) rounding offset, in accumulator units.`,
    layout: `lane l at [l*${widths.requant} +: ${widths.requant}], two's complement.`,
  });
  return [
    [`${layer.moduleName}.v`, wrapper],
    [`${weightsModule}.v`, weights],
    [`${biasModule}.v`, bias],
  ];
}

/** Weight ROM words in fold order: f = ((p·K + ky)·K + kx)·CG + g. */
export function weightRomWords(layer: ConvLayerHW): bigint[] {
  const { kernel: k, pe, simd, weightBits: wb } = layer;
  const c = layer.input.channels;
  const words: bigint[] = [];
  for (let p = 0; p < layer.folding.peFolds; p++)
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++)
        for (let g = 0; g < layer.folding.simdFolds; g++) {
          let word = 0n;
          for (let l = pe - 1; l >= 0; l--)
            for (let i = simd - 1; i >= 0; i--) {
              const o = p * pe + l;
              const code = layer.weightCodes[((o * k + ky) * k + kx) * c + g * simd + i]!;
              word = (word << BigInt(wb)) | BigInt(code);
            }
          words.push(word);
        }
  return words;
}

/** Bias ROM words, one per PE group: bias + rounding offset per lane. */
export function biasRomWords(layer: ConvLayerHW): bigint[] {
  const width = layer.widths.requant;
  const words: bigint[] = [];
  for (let p = 0; p < layer.folding.peFolds; p++) {
    let word = 0n;
    for (let l = layer.pe - 1; l >= 0; l--) {
      word = (word << BigInt(width)) | twosComplement(layer.bias[p * layer.pe + l]! + roundingOffset(layer.shift), width);
    }
    words.push(word);
  }
  return words;
}

function emitRom(module: string, words: readonly bigint[], width: number, origin: Origin, text: { description: string; layout: string }): string {
  const bits = addressBits(words.length);
  return render(TEMPLATE_DIR, 'rom.v.hbs', {
    ...header(`${module}.v`, origin),
    ...text,
    module,
    addrMsb: bits - 1,
    wordMsb: width - 1,
    words: words.map((w, i) => ({ address: `${bits}'d${i}`, value: hexLiteral(w, width) })),
    needsDefault: words.length < 2 ** bits,
    zero: `{${width}{1'b0}}`,
  });
}

function emitTop(hw: NetworkHW, origin: Origin): string {
  const first = hw.layers[0]!;
  const last = hw.layers[hw.layers.length - 1]!;
  const linkName = (i: number): string => (i === 0 ? 's_axis' : i === hw.layers.length ? 'm_axis' : `link${i}`);
  return render(TEMPLATE_DIR, 'top.v.hbs', {
    ...header(`${hw.name}_top.v`, origin),
    module: `${hw.name}_top`,
    design: hw.name,
    layerCount: hw.layers.length,
    inH: first.input.height,
    inW: first.input.width,
    inC: first.input.channels,
    outH: last.output.height,
    outW: last.output.width,
    outC: last.output.channels,
    outBits: last.outputBits,
    outLabel: last.kind === 'argmax' ? `one class index per frame, ${last.outputBits} bits` : `one ${last.output.height}x${last.output.width} pixel per beat, ${last.output.channels} channels x ${last.outputBits} bits`,
    cyclesPerFrame: hw.cyclesPerFrame,
    inWidthMsb: first.input.channels * first.inputBits - 1,
    outWidthMsb: last.output.channels * last.outputBits - 1,
    links: hw.layers.slice(0, -1).map((layer, i) => ({
      name: linkName(i + 1),
      widthMsb: layer.output.channels * layer.outputBits - 1,
      unusedLast: true,
    })),
    layers: hw.layers.map((layer, i) => ({ module: layer.moduleName, name: layer.name, in: linkName(i), out: linkName(i + 1) })),
  });
}

function emitTestbench(hw: NetworkHW, vectors: Vectors, steadyFrames: number, origin: Origin): string {
  const first = hw.layers[0]!;
  const last = hw.layers[hw.layers.length - 1]!;
  const inBeats = first.input.height * first.input.width;
  const outBeats = last.output.height * last.output.width;
  // Phase 2 may run 4x slower (bubbles, back-pressure); add room for the pipeline's fill.
  const watchdog = 8 * (vectors.frames + 1) * (hw.cyclesPerFrame + inBeats) + 10_000;
  return render(TESTBENCH_DIR, 'tb.v.hbs', {
    ...header(`${hw.name}_tb.v`, origin),
    module: `${hw.name}_tb`,
    top: `${hw.name}_top`,
    inWidth: vectors.inputWidth,
    outWidth: vectors.outputWidth,
    steadyFrames,
    stressFrames: vectors.frames - steadyFrames,
    frames: vectors.frames,
    inBeats,
    outBeats,
    cyclesPerFrame: hw.cyclesPerFrame,
    watchdog,
    inputFile: 'input.hex',
    expectedFile: 'expected.hex',
  });
}

/** One beat per line as $readmemh reads it; expected beats carry tlast above the data. */
function beatsHex(beats: Vectors['input'], width: number, withLast: boolean): string {
  const w = withLast ? width + 1 : width;
  return beats.map((b) => hexDigits(withLast ? (BigInt(b.last) << BigInt(width)) | b.data : b.data, w)).join('\n') + '\n';
}
