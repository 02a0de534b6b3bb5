/**
 * The one validation step: checks a raw network against the declared attributes and the
 * cross-layer rules, reports every broken rule together with its source location and fix, and
 * returns the network with all defaults filled in.
 */
import path from 'node:path';
import { DiagnosticsError, type Diagnostic } from '../core/errors.ts';
import { dmaShellModuleName, dmaTestbenchModuleName, layerModuleName, testbenchModuleName, topModuleName } from '../core/names.ts';
import type { Shape } from '../core/shapes.ts';
import type { DatasetArray, DatasetSource, DatasetSplit, RawDataset, RawLayer, RawNetwork, WeightSource } from '../dsl/types.ts';
import type { NetworkSpec } from '../ir/types.ts';
import type { AttributeRule, AttributeTable, LayerKind } from '../layers/kind.ts';
import { LIMITS } from '../layers/limits.ts';
import { findKind, kindOf, LAYER_KINDS, libraryModuleNames, type LayerSpec } from '../layers/registry.ts';
import type { Locator } from '../load/locations.ts';

/** Words a design or layer name may not be, since they become Verilog identifiers. */
const VERILOG_KEYWORDS = new Set(
  'always and assign begin buf case casex casez cmos deassign default defparam disable edge else end endcase endfunction endgenerate endmodule endprimitive endspecify endtable endtask event for force forever fork function generate genvar if initial inout input integer join localparam macromodule module nand negedge nmos nor not or output parameter posedge pulldown pullup rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared signed specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned vectored wait wand weak0 weak1 while wire wor xnor xor logic bit byte int'.split(' '),
);

const NETWORK_KEYS = ['kind', 'name', 'input', 'weights', 'layers', 'sampleSeed', 'dataset'];

/** The attributes of the network's `input`. */
const INPUT_ATTRIBUTES: AttributeTable = {
  height: { type: 'int', ...LIMITS.imageSide },
  width: { type: 'int', ...LIMITS.imageSide },
  channels: { type: 'int', ...LIMITS.channels },
};

/** Collects diagnostics for one network, each located at the property it is about. */
class Checker {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly locator: Locator) {}

  error(owner: object, prop: string | undefined, message: string, fix?: string): void {
    const location = this.locator.locate(owner, prop);
    this.diagnostics.push({ ...(location ? { location } : {}), message, ...(fix ? { fix } : {}) });
  }

  /** Checks the keys of `obj` against `known`, suggesting the nearest known key for a typo. */
  unknownKeys(obj: object, known: readonly string[], what: string, locOwner: object = obj, prefix = ''): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const near = nearest(key, known.filter((k) => k !== 'kind'));
      this.error(locOwner, prefix + key, `${what} has no option '${key}'.`, near ? `Did you mean '${near}'?` : undefined);
    }
  }

  /** Checks one attribute and returns its value with the default applied (undefined if invalid). */
  attribute(owner: object, prefix: string, key: string, rule: AttributeRule, what: string, source: object = owner): unknown {
    const value = (source as Record<string, unknown>)[key];
    const prop = prefix + key;
    const at = (message: string, fix?: string): undefined => {
      this.error(owner, prop, message, fix);
      return undefined;
    };
    if (value === undefined) {
      if ('default' in rule) return rule.default;
      if (rule.type === 'int' && rule.optional) return undefined;
      return at(`${what} needs '${key}'.`);
    }
    switch (rule.type) {
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value)) return at(`${what}: '${key}' must be a whole number, not ${show(value)}.`);
        if (value < rule.min || value > rule.max) {
          return at(`${what}: '${key}' is ${value}, outside the allowed range ${rule.min}..${rule.max}.`);
        }
        return value;
      case 'enum':
        if (typeof value !== 'string' || !rule.values.includes(value)) {
          return at(`${what}: '${key}' is ${show(value)}; it must be one of ${rule.values.map((v) => `'${v}'`).join(', ')}.`);
        }
        return value;
      case 'bool':
        if (typeof value !== 'boolean') return at(`${what}: '${key}' must be true or false, not ${show(value)}.`);
        return value;
      case 'identifier':
        return this.identifier(owner, prop, value, `${what}: '${key}'`);
      case 'quant': {
        const q = value as { kind?: unknown; bits?: unknown; scale?: unknown; prune?: unknown; pruneLevels?: unknown };
        if (typeof q !== 'object' || q === null || (q.kind !== 'pot' && q.kind !== 'uniform')) {
          return at(`${what}: '${key}' must be pot({ bits }) or uniform({ bits }), not ${show(value)}.`);
        }
        const { min, max } = LIMITS.weightBits;
        const written = `${q.kind}({ bits: ${show(q.bits)} })`;
        if (typeof q.bits !== 'number' || !Number.isInteger(q.bits)) {
          return at(`${what}: ${written} needs a whole number of bits from ${min} to ${max}.`);
        }
        if (q.bits < min || q.bits > max) {
          const fix = `Use ${q.kind}({ bits: ${Math.min(max, Math.max(min, q.bits))} }).`;
          return at(`${what}: ${written} has too ${q.bits < min ? 'few' : 'many'} bits; weights may have ${min} to ${max} bits.`, fix);
        }
        if (q.kind === 'pot') {
          if (q.scale !== undefined) {
            return at(`${what}: pot({ bits: ${q.bits} }) takes no scale (${show(q.scale)}); PoT weights always have a power-of-two scale.`, `Use pot({ bits: ${q.bits} }), or uniform({ bits: ${q.bits}, scale: ${show(q.scale)} }).`);
          }
          if (q.prune !== undefined && (typeof q.prune !== 'number' || !(q.prune >= 0 && q.prune < 1))) {
            return at(`${what}: pot({ bits: ${q.bits}, prune: ${show(q.prune)} }) needs prune to be a fraction of weights from 0 up to (not including) 1.`, `Use pot({ bits: ${q.bits}, prune: 0.5 }) for at least half of each layer's weights at zero.`);
          }
          const levels = 2 ** (q.bits - 1) - 2; // all but the largest
          if (q.pruneLevels !== undefined && (typeof q.pruneLevels !== 'number' || !Number.isInteger(q.pruneLevels) || q.pruneLevels < 0 || q.pruneLevels > levels)) {
            return at(`${what}: pot({ bits: ${q.bits}, pruneLevels: ${show(q.pruneLevels)} }) needs a whole number of levels from 0 to ${levels} (all but the largest of ${levels + 1}).`);
          }
          return { kind: q.kind, bits: q.bits, ...(q.prune ? { prune: q.prune } : {}), ...(q.pruneLevels ? { pruneLevels: q.pruneLevels } : {}) };
        }
        if (q.prune !== undefined || q.pruneLevels !== undefined) {
          const key = q.prune !== undefined ? 'prune' : 'pruneLevels';
          return at(`${what}: uniform({ bits: ${q.bits} }) takes no ${key}; pruning by power-of-two levels applies to PoT weights.`, `Use pot({ bits: ${q.bits}, ${key}: ${show(q.prune ?? q.pruneLevels)} }).`);
        }
        const scales = ['layer', 'channel', 'pow2'];
        if (q.scale !== undefined && (typeof q.scale !== 'string' || !scales.includes(q.scale))) {
          return at(`${what}: uniform({ bits: ${q.bits}, scale: ${show(q.scale)} }) has an unknown scale; it must be one of ${scales.map((v) => `'${v}'`).join(', ')}.`, `Use uniform({ bits: ${q.bits}, scale: 'layer' }).`);
        }
        // The fair baseline by default: a real scale per layer, requantised with a multiplier.
        return { kind: q.kind, bits: q.bits, scale: (q.scale ?? 'layer') as 'layer' | 'channel' | 'pow2' };
      }
    }
  }

  identifier(owner: object, prop: string, value: unknown, what: string): string | undefined {
    if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) {
      const suggestion = typeof value === 'string' ? identifierLike(value) : undefined;
      this.error(
        owner,
        prop,
        `${what} is ${show(value)}, which cannot be a Verilog identifier.`,
        `Use a letter followed by letters, digits or underscores${suggestion ? `, e.g. '${suggestion}'` : ''}.`,
      );
      return undefined;
    }
    if (value.length > LIMITS.nameLength) {
      this.error(owner, prop, `${what} is ${value.length} characters long; names may have at most ${LIMITS.nameLength}, since they become module and file names.`, `Use a shorter name, e.g. '${value.slice(0, 16)}'.`);
      return undefined;
    }
    if (VERILOG_KEYWORDS.has(value)) {
      this.error(owner, prop, `${what} is '${value}', a Verilog keyword, which cannot be used as a name.`, `Choose another name, e.g. '${value}_0'.`);
      return undefined;
    }
    return value;
  }
}

/**
 * Validates a raw network and fills in defaults. `modelFile` anchors relative weight paths.
 * Throws DiagnosticsError listing every broken rule.
 */
export function validateNetwork(raw: RawNetwork, locator: Locator, modelFile: string): NetworkSpec {
  const c = new Checker(locator);
  c.unknownKeys(raw, NETWORK_KEYS, 'network');
  const name = c.attribute(raw, '', 'name', { type: 'identifier' }, 'network') as string | undefined;
  const input = validateInput(c, raw);
  const weights = validateWeightSource(c, raw, modelFile);
  const sampleSeed = c.attribute(raw, '', 'sampleSeed', { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 }, 'network') as number;

  const layers: LayerSpec[] = [];
  if (!Array.isArray(raw.layers) || raw.layers.length === 0) {
    c.error(raw, 'layers', 'the network has no layers.', 'Add at least one layer, e.g. conv2d({ ... }).');
  } else {
    const specs = raw.layers.map((layer, index) => validateLayer(c, layer, index));
    const lastWeighted = specs.reduce((last, s, i) => (s && kindOf(s).weighted ? i : last), -1);
    let shape: Shape | undefined = input;
    let signed = false;
    const names = new Set<string>();
    specs.forEach((spec, index) => {
      const layer = raw.layers[index]!;
      if (!spec) {
        shape = undefined; // the rest of the shape chain is unknown; attributes were still checked
        return;
      }
      if (names.has(spec.name)) c.error(layer, 'name', `two layers are named '${spec.name}'.`, 'Give every layer a unique name.');
      names.add(spec.name);
      const kind = kindOf(spec);
      const before = c.diagnostics.length;
      const next = raw.layers[index + 1] as { kind?: unknown } | undefined;
      kind.checkChain(spec, {
        input: shape,
        inputSigned: signed,
        previous: index > 0 ? (specs[index - 1] ?? undefined) : undefined,
        nextKind: typeof next?.kind === 'string' ? next.kind : undefined,
        isFirst: index === 0,
        isLast: index === specs.length - 1,
        isLastWeighted: index === lastWeighted,
        label: `${kind.kind} '${spec.name}'`,
        error: (prop, message, fix) => c.error(layer, prop, message, fix),
      });
      layers.push(spec);
      shape = shape && c.diagnostics.length === before ? kind.outputShape(spec, shape) : undefined;
      signed = kind.outputSigned(spec);
    });
    if (name && layers.length === specs.length) checkModuleNames(c, name, raw.layers, layers);
  }
  const dataset = validateDataset(c, raw, input, modelFile);
  if (c.diagnostics.length > 0 || !name || !input || !weights) throw new DiagnosticsError(c.diagnostics);
  return { kind: 'network', name, input: { ...input, bits: 8 }, weights, layers, sampleSeed, dataset };
}

/**
 * Every module a design generates must be unique: a layer's `<design>_<layer>` and its helpers
 * (`<design>_<layer>_weights`, ...), the top `<design>_top`, the board shell `<design>_dma`, the
 * testbench `<design>_tb`, and the
 * hand-written library modules (`potgen_*`). A clash would overwrite one file with another.
 */
function checkModuleNames(c: Checker, design: string, raw: readonly RawLayer[], layers: readonly LayerSpec[]): void {
  const owners = new Map<string, string>();
  for (const m of libraryModuleNames()) owners.set(m, `potgen's library module ${m}`);
  owners.set(topModuleName(design), `the design's top level ${topModuleName(design)}`);
  owners.set(testbenchModuleName(design), `the design's testbench ${testbenchModuleName(design)}`);
  owners.set(dmaShellModuleName(design), `the design's board shell ${dmaShellModuleName(design)}`);
  owners.set(dmaTestbenchModuleName(design), `the board shell's testbench ${dmaTestbenchModuleName(design)}`);
  const names = new Set<string>();
  layers.forEach((layer, index) => {
    const kind = kindOf(layer);
    if (kind.library.length === 0) return; // no hardware (flatten), no modules
    if (names.has(layer.name)) return; // two layers of one name: already reported
    names.add(layer.name);
    const own = layerModuleName(design, layer.name);
    const modules = [own, ...(kind.helperModules?.(layer) ?? []).map((suffix) => own + suffix)];
    for (const module of modules) {
      const owner = owners.get(module);
      if (owner) {
        c.error(raw[index]!, 'name', `${kind.kind} '${layer.name}' would generate the module ${module}, which is already ${owner}.`, 'Rename the layer (or the network).');
        return;
      }
    }
    for (const module of modules) owners.set(module, `the module of layer '${layer.name}'`);
  });
}

/** The image shape of MNIST, the data set potgen ships; a user's files are checked when they load. */
const MNIST_SHAPE: Shape = { height: 28, width: 28, channels: 1 };

/** The options of `dataset({ ... })` and of each of its splits. */
const DATASET_KEYS = ['kind', 'train', 'test', 'npz', 'hint', 'name'];
const SPLIT_KEYS = ['images', 'labels', 'imagesKey', 'labelsKey'];

/** The arrays an `.npz` holds by default, as Keras's data sets name them. */
const NPZ_KEYS = { train: { images: 'x_train', labels: 'y_train' }, test: { images: 'x_test', labels: 'y_test' } } as const;

/** Checks `dataset` and resolves its paths against the model file's folder (its files are read and checked later, at load). */
function validateDataset(c: Checker, raw: RawNetwork, input: Shape | undefined, modelFile: string): DatasetSource | undefined {
  const d = raw.dataset as unknown;
  if (d === undefined) return undefined;
  const kind = (d as { kind?: unknown } | null)?.kind;
  if (kind === 'mnist') {
    const shape = MNIST_SHAPE;
    if (input && (input.height !== shape.height || input.width !== shape.width || input.channels !== shape.channels)) {
      c.error(raw, 'input', `the ${kind} images are ${shape.height}x${shape.width}x${shape.channels}, but the input is ${input.height}x${input.width}x${input.channels}.`, `Set input to { height: ${shape.height}, width: ${shape.width}, channels: ${shape.channels} }.`);
    }
    return { kind };
  }
  if (kind !== 'dataset') {
    c.error(raw, 'dataset', `'dataset' is ${show(d)}.`, 'Use mnist() or dataset({ train: { images, labels }, test: { images, labels } }), or leave it out for random images.');
    return undefined;
  }
  const o = d as RawDataset;
  c.unknownKeys(o, DATASET_KEYS, 'dataset');
  const before = c.diagnostics.length;
  const text = (option: string, value: unknown, what: string): string | undefined => {
    if (typeof value === 'string' && value.length > 0) return value;
    c.error(o, option, `dataset: '${option}' must be ${what}, not ${show(value)}.`);
    return undefined;
  };
  const hint = o.hint === undefined ? undefined : text('hint', o.hint, 'a sentence');
  const name = o.name === undefined ? undefined : text('name', o.name, 'a name');
  const resolve = (file: string): string => path.resolve(path.dirname(modelFile), file);
  let train: DatasetSplit | undefined;
  let test: DatasetSplit | undefined;
  let testImages: string | undefined;
  if (o.npz !== undefined) {
    if (o.train !== undefined || o.test !== undefined) {
      c.error(o, 'npz', "dataset: 'npz' names both splits in one file, so 'train' and 'test' cannot be given as well.", "Keep either 'npz' or 'train' and 'test'.");
    }
    const file = text('npz', o.npz, 'the path of an .npz file');
    if (file !== undefined && !/\.npz$/i.test(file)) c.error(o, 'npz', `dataset: 'npz' is ${show(file)}, which is not an .npz file.`, 'Name the .npz file, or use train: { images, labels } and test: { images, labels } for other files.');
    if (file !== undefined) {
      const at = (split: 'train' | 'test', role: 'images' | 'labels'): DatasetArray => ({ path: resolve(file), key: NPZ_KEYS[split][role], option: 'npz' });
      [train, test, testImages] = [{ images: at('train', 'images'), labels: at('train', 'labels') }, { images: at('test', 'images'), labels: at('test', 'labels') }, file];
    }
  } else {
    if (o.test === undefined) {
      c.error(o, undefined, "dataset needs 'test': the labelled images that test vectors and accuracy use.", "Add test: { images: './t10k-images-idx3-ubyte.gz', labels: './t10k-labels-idx1-ubyte.gz' }, or npz: './data.npz'.");
    } else {
      test = validateSplit(c, o, 'test', resolve);
      testImages = typeof o.test?.images === 'string' ? o.test.images : undefined;
    }
    if (o.train !== undefined) train = validateSplit(c, o, 'train', resolve);
  }
  if (c.diagnostics.length > before || !test) return undefined;
  return { kind: 'files', name: name ?? path.basename(testImages ?? ''), ...(train ? { train } : {}), test, ...(hint ? { hint } : {}) };
}

/** One split of `dataset({ ... })`: its two files, and their .npz keys where they are .npz files. */
function validateSplit(c: Checker, o: RawDataset, split: 'train' | 'test', resolve: (file: string) => string): DatasetSplit | undefined {
  const s = o[split] as unknown;
  if (typeof s !== 'object' || s === null) {
    c.error(o, split, `dataset: '${split}' must be { images, labels }, not ${show(s)}.`, `Write ${split}: { images: './images.npy', labels: './labels.npy' }.`);
    return undefined;
  }
  c.unknownKeys(s, SPLIT_KEYS, `dataset '${split}'`, o, `${split}.`);
  const array = (role: 'images' | 'labels'): DatasetArray | undefined => {
    const option = `${split}.${role}`;
    const file = (s as Record<string, unknown>)[role];
    const key = (s as Record<string, unknown>)[`${role}Key`];
    if (typeof file !== 'string' || file.length === 0) {
      c.error(o, option, `dataset: '${option}' must be the path of an IDX, .npy or .npz file, not ${show(file)}.`);
      return undefined;
    }
    const npz = /\.npz$/i.test(file);
    if (key !== undefined && !npz) {
      c.error(o, `${option}Key`, `dataset: '${option}Key' picks an array of an .npz file, but ${show(file)} is not one.`, `Remove ${role}Key.`);
      return undefined;
    }
    if (key !== undefined && (typeof key !== 'string' || key.length === 0)) {
      c.error(o, `${option}Key`, `dataset: '${option}Key' must be the name of an array in ${show(file)}, not ${show(key)}.`);
      return undefined;
    }
    return { path: resolve(file), option, ...(npz ? { key: (key as string | undefined) ?? NPZ_KEYS[split][role] } : {}) };
  };
  const images = array('images');
  const labels = array('labels');
  return images && labels ? { images, labels } : undefined;
}

function validateInput(c: Checker, raw: RawNetwork): Shape | undefined {
  const input = raw.input as unknown;
  if (typeof input !== 'object' || input === null) {
    c.error(raw, 'input', `the network's 'input' must be { height, width, channels }, not ${show(input)}.`);
    return undefined;
  }
  c.unknownKeys(input, Object.keys(INPUT_ATTRIBUTES), 'input', raw, 'input.');
  const values: Record<string, number> = {};
  let ok = true;
  for (const [key, rule] of Object.entries(INPUT_ATTRIBUTES)) {
    const value = c.attribute(raw, 'input.', key, rule, 'input', input);
    if (value === undefined) ok = false;
    else values[key] = value as number;
  }
  return ok ? { height: values.height!, width: values.width!, channels: values.channels! } : undefined;
}

function validateWeightSource(c: Checker, raw: RawNetwork, modelFile: string): WeightSource | undefined {
  const w = raw.weights as unknown;
  if (typeof w === 'string' && w.length > 0) return { kind: 'file', path: path.resolve(path.dirname(modelFile), w) };
  if (typeof w === 'object' && w !== null && (w as WeightSource).kind === 'random') {
    const seed = (w as { seed?: unknown }).seed;
    if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) return { kind: 'random', seed };
    c.error(raw, 'weights', `the weight seed is ${show(seed)}; it must be a whole number from 0 to 2^32-1.`);
    return undefined;
  }
  c.error(raw, 'weights', `'weights' is ${show(w)}.`, "Give a path such as './weights.json' or randomWeights(seed).");
  return undefined;
}

/** Checks one layer's own attributes (not its place in the chain); undefined if any is invalid. */
function validateLayer(c: Checker, layer: RawLayer, index: number): LayerSpec | undefined {
  const kind: LayerKind | undefined = findKind((layer as { kind?: unknown } | undefined)?.kind);
  if (!kind) {
    c.error(layer ?? {}, undefined, `layer ${index + 1} is ${show(layer)}, not a layer.`, `Use ${LAYER_KINDS.map((k) => k.kind).join(', ')}.`);
    return undefined;
  }
  const named = typeof (layer as { name?: unknown }).name === 'string';
  const label = named ? `${kind.kind} '${(layer as { name: string }).name}'` : `${kind.kind} layer ${index + 1}`;
  c.unknownKeys(layer, ['kind', ...Object.keys(kind.attributes)], label);
  const values: Record<string, unknown> = { kind: kind.kind };
  let ok = true;
  for (const [key, rule] of Object.entries(kind.attributes)) {
    if (key === 'name' && !named && kind.autoName) {
      values.name = `${kind.kind}${index + 1}`; // the layer's position keeps default names unique
      continue;
    }
    const value = c.attribute(layer, '', key, rule, label);
    if (value === undefined && !(rule.type === 'int' && rule.optional)) ok = false;
    values[key] = value;
  }
  if (!ok) return undefined;
  return (kind.complete ? kind.complete(values) : values) as LayerSpec;
}

/** The known word nearest to `word` by edit distance, if it is close enough to be a typo. */
function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** `text` made into a valid name (other characters become underscores), if that leaves a name. */
function identifierLike(text: string): string | undefined {
  const name = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^[^A-Za-z]+/, '').replace(/_+$/, '');
  return name && !VERILOG_KEYWORDS.has(name) ? name : undefined;
}

/** A value as a user would write it, for messages. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'missing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value).slice(0, 60);
  } catch {
    return String(value);
  }
}
