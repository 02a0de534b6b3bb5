/**
 * The `potgen` command line: build, sim, lint and synth. User mistakes print one clear message
 * and exit 1; anything else is a bug and prints its stack with exit 2.
 */
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { NetworkSpec, WeightedSpec, WeightQuantOptions } from '../dsl/types.ts';
import { loadMnist } from '../data/mnist.ts';
import { loadModel } from '../load/loadModel.ts';
import { accuracyReport } from '../report/accuracy.ts';
import type { LayerHW } from '../ir/types.ts';
import { PotgenError } from '../core/errors.ts';
import { buildDesign, prepareNetwork, VERSION } from '../pipeline/buildDesign.ts';
import { lint } from '../run/lint.ts';
import { readManifest, readRtlFiles } from '../run/manifest.ts';
import { simulate, type Simulator } from '../run/simulate.ts';
import { synthesiseXilinx } from '../run/yosys.ts';
import { LIMITS } from '../validate/attributes.ts';
import { writePlan } from '../write/writePlan.ts';

/** Progress goes to stderr so that stdout stays the result. */
function step(message: string): void {
  process.stderr.write(`potgen: ${message}\n`);
}

/** `--quant kind:bits`; the bits are checked here because the override bypasses the model's validation. */
function parseQuant(value: string): WeightQuantOptions {
  const { min, max } = LIMITS.weightBits;
  const m = /^(pot|uniform):(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`It must be pot:<bits> or uniform:<bits>, e.g. uniform:8.`);
  const bits = Number(m[2]);
  if (bits < min || bits > max) throw new InvalidArgumentError(`Weights may have ${min} to ${max} bits, not ${bits}.`);
  return { kind: m[1] as 'pot' | 'uniform', bits };
}

function parseCount(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`It must be a whole number of at least ${min}.`);
    return n;
  };
}

const program = new Command()
  .name('potgen')
  .version(VERSION)
  .description('Generate bit-exact Verilog for power-of-two quantised CNNs, with a uniform baseline, testbenches and reports.')
  .showHelpAfterError('(run with --help for usage)');

program
  .command('build')
  .description('Build a model file into RTL, a self-checking testbench and golden vectors.')
  .argument('<model>', 'the TypeScript model file (export default network({ ... }))')
  .option('-o, --out <dir>', 'output folder (default: rtl-out/<design name>)')
  .option('--quant <kind:bits>', 'override every layer\'s weights, e.g. uniform:8 for the baseline twin', parseQuant)
  .option('--steady-frames <n>', 'testbench frames at full rate, for measuring cycles per frame', parseCount(2), 2)
  .option('--stress-frames <n>', 'testbench frames with random bubbles and back-pressure', parseCount(0), 2)
  .option('--dump-ir', 'print the hardware IR as JSON instead of writing files')
  .addHelpText('after', '\nExample:\n  potgen build examples/conv3x3.ts -o rtl-out/conv3x3\n  potgen build examples/conv3x3.ts --quant uniform:4 -o rtl-out/conv3x3_u4')
  .action((model: string, opts: { out?: string; quant?: WeightQuantOptions; steadyFrames: number; stressFrames: number; dumpIr?: boolean }) => {
    step(`building ${model}`);
    const result = buildDesign(model, {
      ...(opts.quant ? { quant: opts.quant } : {}),
      steadyFrames: opts.steadyFrames,
      stressFrames: opts.stressFrames,
    });
    if (opts.dumpIr) {
      process.stdout.write(`${JSON.stringify(result.hw, null, 2)}\n`);
      return;
    }
    const out = opts.out ?? path.join('rtl-out', result.hw.name);
    writePlan(result.plan, out);
    console.log(`${result.hw.name}: ${result.plan.size} files written to ${out}`);
    for (const l of result.hw.layers) console.log(`  ${describeLayer(l)}`);
    console.log(`  ${result.hw.cyclesPerFrame} cycles per inference (steady state)`);
  });

program
  .command('eval')
  .description('Accuracy on the data set\'s test images: the float model beside bit-exact integer models.')
  .argument('<model>', 'a model file with a dataset, e.g. examples/lenet5/lenet5.ts')
  .option('--images <n>', 'how many test images (default: all)', parseCount(1))
  .option('--quant <kind:bits>', 'a variant to compare; repeat for several (default: the model\'s own, pot:4, uniform:4, uniform:8)', (v: string, prev: WeightQuantOptions[] = []) => [...prev, parseQuant(v)])
  .addHelpText('after', '\nExample:\n  potgen eval examples/lenet5/lenet5.ts --images 2000 --quant pot:4 --quant pot:3')
  .action((model: string, opts: { images?: number; quant?: WeightQuantOptions[] }) => {
    step(`loading ${model}`);
    const loaded = loadModel(model);
    const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file);
    if (!prepared.spec.dataset) {
      throw new PotgenError(`${prepared.source} names no dataset, so there are no labelled images to score; add dataset: mnist() to the network.`);
    }
    const variants = opts.quant ?? defaultVariants(prepared.spec);
    const test = loadMnist('test');
    const count = Math.min(opts.images ?? test.images.length, test.images.length);
    const started = performance.now();
    const rows = accuracyReport(prepared, variants, test.images.slice(0, count), test.labels, (m) =>
      step(`${((performance.now() - started) / 1000).toFixed(1)} s: ${m}`),
    );
    const float = rows[0]!;
    console.log(`${prepared.spec.name}: accuracy on ${count} MNIST test images`);
    for (const r of rows) {
      const pct = (100 * r.correct) / r.total;
      const delta = r === float ? '' : `  (${(pct - (100 * float.correct) / float.total).toFixed(2)} points)`;
      console.log(`  ${r.label.padEnd(34)} ${pct.toFixed(2).padStart(6)}%  ${r.correct}/${r.total}${delta}`);
    }
  });

program
  .command('sim')
  .description('Simulate a built design under Icarus Verilog against its golden vectors.')
  .argument('<design-dir>', 'a folder written by potgen build')
  .option('--seed <n>', 'seed of the random bubbles and back-pressure', parseCount(0), 1)
  .addOption(
    new Option('--simulator <name>', 'icarus, or verilator: slower to compile, far faster on whole networks').choices(['icarus', 'verilator']).default('icarus'),
  )
  .action(async (dir: string, opts: { seed: number; simulator: Simulator }) => {
    const manifest = readManifest(dir);
    step(`simulating ${manifest.design} (${manifest.frames} frames) with ${opts.simulator === 'verilator' ? 'Verilator' : 'Icarus Verilog'}`);
    const result = await simulate(dir, { seed: opts.seed, simulator: opts.simulator });
    const lines = result.log.split('\n').filter((l) => /^(error|latency|cycles per frame|\d+ passed)/.test(l));
    console.log(lines.join('\n'));
    console.log(`simulation took ${result.seconds.toFixed(2)} s`);
    if (!result.ok) throw new PotgenError(`Simulation of ${manifest.design} failed: ${result.failed} check(s) failed.`);
  });

program
  .command('lint')
  .description('Lint a built design\'s RTL with Verilator -Wall (any warning fails).')
  .argument('<design-dir>', 'a folder written by potgen build')
  .action(async (dir: string) => {
    const manifest = readManifest(dir);
    const result = await lint(dir);
    if (!result.clean) {
      console.log(result.log);
      throw new PotgenError(`Verilator found ${result.warnings.length} problem(s) in ${manifest.design}.`);
    }
    console.log(`${manifest.design}: ${manifest.rtl.length} files lint clean (verilator --lint-only -Wall)`);
  });

program
  .command('synth')
  .description('Synthesise a built design for UltraScale+ with Yosys and report resources.')
  .argument('<design-dir>', 'a folder written by potgen build')
  .action(async (dir: string) => {
    const manifest = readManifest(dir);
    step(`synthesising ${manifest.top} with Yosys (synth_xilinx -family xcup): seconds for a layer, minutes for a whole network`);
    const files = readRtlFiles(dir, manifest);
    const r = await synthesiseXilinx(files, manifest.top);
    console.log(`${manifest.top}: ${r.luts} LUT, ${r.flipFlops} FF, ${r.carry} CARRY4, ${r.dsp} DSP48E2, ${r.bram} BRAM36, ${r.lutram} LUTRAM, ${r.latches} latches (${r.seconds.toFixed(1)} s)`);
    if (r.latches > 0) throw new PotgenError(`${manifest.top} infers ${r.latches} latch(es).`);
  });

/** The model's own quantisation plus the comparisons every report shows. */
function defaultVariants(spec: NetworkSpec): WeightQuantOptions[] {
  const own = spec.layers.find((l) => l.kind === 'conv2d' || l.kind === 'dense') as WeightedSpec | undefined;
  const all = [...(own ? [own.weights] : []), { kind: 'pot', bits: 4 }, { kind: 'uniform', bits: 4 }, { kind: 'uniform', bits: 8 }] as WeightQuantOptions[];
  return all.filter((q, i) => all.findIndex((o) => o.kind === q.kind && o.bits === q.bits) === i);
}

/** One line about a built layer: shapes, arithmetic, folding. */
function describeLayer(l: LayerHW): string {
  const shapes = `${l.input.height}x${l.input.width}x${l.input.channels} -> ${l.output.height}x${l.output.width}x${l.output.channels}`;
  switch (l.kind) {
    case 'conv2d': {
      const zeros = l.weightValues.filter((v) => v === 0).length;
      return (
        `${l.name} (${l.origin}): ${shapes}, ${l.weightBits}-bit ${l.quant} weights (${zeros}/${l.weightValues.length} zero), ` +
        `PE ${l.pe} x SIMD ${l.simd}, ${l.folding.cyclesPerPixel} cycles/pixel, accumulator ${l.widths.accumulator} bits, shift ${l.shift}, ` +
        `${l.cyclesPerFrame} cycles/frame`
      );
    }
    case 'maxPool2d':
      return `${l.name} (max pool ${l.kernel}x${l.kernel} / ${l.stride}): ${shapes}, ${l.cyclesPerFrame} cycles/frame`;
    case 'argmax':
      return `${l.name} (arg-max): ${l.input.channels} ${l.signedInput ? 'signed' : 'unsigned'} values -> index`;
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    if (e instanceof PotgenError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    process.stderr.write(`potgen: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
