/**
 * The `potgen` command line: build, eval, sim, lint and synth. User mistakes print one clear
 * message and exit 1; anything else is a bug and prints its stack with exit 2.
 *
 * Each command loads its stage modules only when it runs, so `potgen --help` never pays for the
 * TypeScript compiler (model loading) or Yosys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PotgenError } from '../core/errors.ts';
import { displayPath, POTGEN_VERSION } from '../core/paths.ts';
import type { DesignManifest } from '../core/plan.ts';
import type { QuantVariant } from '../dsl/types.ts';
import { LIMITS } from '../layers/limits.ts';
import { boardNames, DEFAULT_BOARD, DEFAULT_VIVADO_JOBS } from '../vivado/boards.ts';

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  /** Results (stdout). */
  out(text: string): void;
  /** Progress and errors (stderr). */
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `--quant kind:bits[:scale|:prune<percent>][:rom|:logic]`: pot:4, pot:4:prune50 (at least half of
 * each layer's weights zero, by dropping its smallest levels), uniform:8 (real scale per layer),
 * uniform:8:channel, uniform:8:pow2; a last :logic fixes every weighted layer's weights into logic
 * (each must be unrolled to one step per pixel), :rom stores them all as codes. Checked here
 * because the override bypasses the model's validation.
 */
export function parseQuant(value: string): QuantVariant {
  const m = /^(?:(pot):(\d+)(?::prune(\d+))?|(uniform):(\d+)(?::(layer|channel|pow2))?)(?::(rom|logic))?$/.exec(value);
  if (!m) {
    throw new InvalidArgumentError(
      `It must be pot:<bits>[:prune<percent>][:rom|:logic] or uniform:<bits>[:layer|channel|pow2][:rom|:logic], e.g. uniform:8, uniform:4:channel, pot:4:prune50 or pot:4:logic.`,
    );
  }
  const bits = parseWeightBits(m[2] ?? m[5]!);
  const storage = m[7] ? { storage: m[7] as 'rom' | 'logic' } : {};
  if (!m[1]) return { kind: 'uniform', bits, scale: (m[6] ?? 'layer') as 'layer' | 'channel' | 'pow2', ...storage };
  const percent = Number(m[3] ?? 0);
  if (percent > 99) throw new InvalidArgumentError(`Pruning takes a percentage of weights from 0 to 99, not ${percent}.`);
  return percent === 0 ? { kind: 'pot', bits, ...storage } : { kind: 'pot', bits, prune: percent / 100, ...storage };
}

function parseWeightBits(value: string): number {
  const { min, max } = LIMITS.weightBits;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Weights may have ${min} to ${max} bits, not ${value}.`);
  return n;
}

function parseBudget(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('It must be a number of accuracy points from 0 to 100.');
  return n;
}

function parseMhz(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 10 || n > 1000) throw new InvalidArgumentError('It must be a clock frequency in MHz from 10 to 1000.');
  return n;
}

function parseCount(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`It must be a whole number of at least ${min}.`);
    return n;
  };
}

/** `--quant a,b,...` of explore: each as parseQuant takes it. */
function parseQuantList(value: string): QuantVariant[] {
  return value.split(',').map((s) => parseQuant(s.trim()));
}

/** `--targets a,b,...`: whole numbers of cycles per inference, each at least 1. */
function parseTargets(value: string): number[] {
  const targets = value.split(',').map((s) => Number(s.trim()));
  if (!value.trim() || targets.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('It must be a comma-separated list of whole numbers of cycles per inference, each at least 1, e.g. 500,1000,4000.');
  }
  return targets;
}

/** The command tree, writing to `io`. */
function program(io: CliIo): Command {
  const line = (text = ''): void => io.out(`${text}\n`);
  /** Progress goes to stderr so that stdout stays the result. */
  const step = (message: string): void => io.err(`potgen: ${message}\n`);

  const root = new Command()
    .name('potgen')
    .version(POTGEN_VERSION)
    .description('Generate bit-exact Verilog for power-of-two quantised CNNs, with a uniform baseline, testbenches and reports.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  root
    .command('build')
    .description('Build a model file into RTL, a self-checking testbench and golden vectors.')
    .argument('<model>', 'the TypeScript model file (export default network({ ... }))')
    .option('-o, --out <dir>', 'output folder (default: rtl-out/<design name>)')
    .option('--quant <kind:bits>', "override every layer's weights, e.g. uniform:8 for the baseline twin; a last :logic or :rom sets where every layer's weights live", parseQuant)
    .option('--steady-frames <n>', 'testbench frames at full rate, for measuring cycles per frame', parseCount(2), 2)
    .option('--stress-frames <n>', 'testbench frames with random bubbles and back-pressure', parseCount(0), 2)
    .option('--time-limit <minutes>', 'stop when the reference model (calibration, test vectors) would take longer', parseCount(1), 2)
    .option('--target-cycles <n>', 'choose pe and simd, where the model file leaves them out, for at most this many cycles per inference with the fewest multiply lanes', parseCount(1))
    .option('--lut-budget <n>', 'choose pe and simd for the fewest cycles whose weighted layers fit this many LUTs, estimated from measured per-lane costs (with --target-cycles: check the target against it)', parseCount(1))
    .option('--dump-ir', 'print the hardware IR as JSON instead of writing files')
    .addHelpText('after', '\nExample:\n  potgen build examples/conv3x3.ts -o rtl-out/conv3x3\n  potgen build examples/conv3x3.ts --quant uniform:4 -o rtl-out/conv3x3_u4')
    .action(async (model: string, opts: { out?: string; quant?: QuantVariant; steadyFrames: number; stressFrames: number; timeLimit: number; targetCycles?: number; lutBudget?: number; dumpIr?: boolean }) => {
      step(`building ${model}`);
      const [{ buildDesign }, { writePlan }, { kindOf }, { laneUse }, { driverFileName }] = await Promise.all([
        import('../pipeline/buildDesign.ts'),
        import('../write/writePlan.ts'),
        import('../layers/registry.ts'),
        import('../passes/laneUse.ts'),
        import('../vivado/driver.ts'),
      ]);
      const result = buildDesign(model, {
        ...(opts.quant ? { quant: opts.quant } : {}),
        steadyFrames: opts.steadyFrames,
        stressFrames: opts.stressFrames,
        timeLimitMinutes: opts.timeLimit,
        ...(opts.targetCycles !== undefined ? { targetCycles: opts.targetCycles } : {}),
        ...(opts.lutBudget !== undefined ? { lutBudget: opts.lutBudget } : {}),
        progress: step,
      });
      if (opts.dumpIr) {
        line(JSON.stringify(result.hw, null, 2));
        return;
      }
      const out = opts.out ?? path.join('rtl-out', result.hw.name);
      writePlan(result.plan, out);
      line(`${result.hw.name}: ${result.plan.size} files written to ${out}`);
      for (const l of result.hw.layers) line(`  ${kindOf(l).describe(l)}`);
      const lanes = laneUse(result.hw);
      if (result.folding) {
        const lanesUse = new Map(lanes.layers.map((l) => [l.layer, l.utilisation]));
        const goal = opts.targetCycles !== undefined ? `at most ${opts.targetCycles} cycles per inference` : `the fewest cycles within ${opts.lutBudget} LUT`;
        line(`  folding for ${goal}: about ${result.folding.estimatedLuts} LUT in the weighted layers (measured lane costs; auto: chosen, explicit/partly: pe and/or simd from the model file):`);
        line(`    ${'layer'.padEnd(12)} ${'pe'.padStart(5)} ${'simd'.padStart(5)} ${'lanes'.padStart(6)} ${'cycles'.padStart(8)} ${'busy'.padStart(6)}  how`);
        for (const f of result.folding.choices) {
          line(`    ${f.layer.padEnd(12)} ${String(f.pe).padStart(5)} ${String(f.simd).padStart(5)} ${String(f.lanes).padStart(6)} ${String(f.cyclesPerFrame).padStart(8)} ${`${(100 * lanesUse.get(f.layer)!).toFixed(1)}%`.padStart(6)}  ${f.how}`);
        }
      }
      line(`  ${result.hw.cyclesPerFrame} cycles per inference (steady state)`);
      if (lanes.lanes > 0) {
        line(`  ${lanes.lanes} multiply lanes for ${lanes.macs.toLocaleString('en-US')} multiply-accumulates per inference: ${(100 * lanes.utilisation).toFixed(1)}% lane utilisation`);
      }
      const board = (JSON.parse(result.plan.get('potgen.json')!) as DesignManifest).shell;
      line('unavailable' in board ? `  no board files: ${board.unavailable}` : `  board: ${board.top} for AXI DMA, vivado/ for the ZCU104 (potgen vivado), driver/${driverFileName(result.hw.name)} for PYNQ`);
      for (const note of result.notes) line(`  note: ${note}`);
    });

  root
    .command('eval')
    .description("Accuracy on the data set's test images: the float model beside bit-exact integer models.")
    .argument('<model>', 'a model file with a dataset, e.g. examples/lenet5/lenet5.ts')
    .option('--images <n>', 'how many test images (default: all)', parseCount(1))
    .option(
      '--quant <kind:bits>',
      "a variant to compare, e.g. pot:4, pot:4:prune30, uniform:8, uniform:4:channel, uniform:4:pow2; repeat for several (default: the model's own, pot:3/4/5, uniform:4/8 per layer and pow2)",
      (v: string, prev: QuantVariant[] = []) => [...prev, parseQuant(v)],
    )
    .addHelpText('after', '\nExample:\n  potgen eval examples/lenet5/lenet5.ts --images 2000 --quant pot:4 --quant pot:3')
    .action(async (model: string, opts: { images?: number; quant?: QuantVariant[] }) => {
      step(`loading ${model}`);
      const [{ loadModel }, { prepareNetwork }, { testSet, datasetFiles }, { accuracyReport, defaultVariants }] = await Promise.all([
        import('../load/loadModel.ts'),
        import('../pipeline/buildDesign.ts'),
        import('../data/datasets.ts'),
        import('../report/accuracy.ts'),
      ]);
      const loaded = loadModel(model);
      const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file);
      if (!prepared.spec.dataset) {
        throw new PotgenError(`${displayPath(loaded.file)} names no dataset, so there are no labelled images to score; add dataset: mnist() to the network.`);
      }
      const variants = opts.quant ?? defaultVariants(prepared.spec);
      const test = testSet(prepared.spec);
      const count = Math.min(opts.images ?? test.count, test.count);
      const started = performance.now();
      const rows = accuracyReport(prepared, variants, test.images(0, count), test.labels, (m) =>
        step(`${((performance.now() - started) / 1000).toFixed(1)} s: ${m}`),
      );
      const float = rows[0]!;
      line(`${prepared.spec.name}: accuracy on ${count} ${test.name} test images`);
      if (!datasetFiles(prepared.spec.dataset).train) line('  (the data set has no training split, so calibration used its first test images)');
      for (const r of rows) {
        const pct = (100 * r.correct) / r.total;
        const delta = r === float ? '' : `  (${(pct - (100 * float.correct) / float.total).toFixed(2)} points, ${(100 * (r.sparsity ?? 0)).toFixed(1)}% zero weights)`;
        line(`  ${r.label.padEnd(36)} ${pct.toFixed(2).padStart(6)}%  ${r.correct}/${r.total}${delta}`);
      }
    });

  root
    .command('sim')
    .description('Simulate a built design against its golden vectors (every output and the cycles per inference).')
    .argument('<design-dir>', 'a folder written by potgen build')
    .option('--seed <n>', 'seed of the random bubbles and back-pressure', parseCount(0), 1)
    .option('--shell', "simulate the board shell <design>_dma instead, driven as AXI DMA drives it (batched transfers, byte padding)")
    .addOption(
      new Option('--simulator <name>', 'auto: Verilator when installed and the design is large enough to repay its compile time, else Icarus')
        .choices(['auto', 'icarus', 'verilator'])
        .default('auto'),
    )
    .action(async (dir: string, opts: { seed: number; simulator: 'auto' | 'icarus' | 'verilator'; shell?: boolean }) => {
      const [{ readManifest }, { simulate, chooseSimulator, SIMULATOR_NAMES }] = await Promise.all([import('../run/manifest.ts'), import('../run/simulate.ts')]);
      const manifest = readManifest(dir);
      const choice = opts.simulator === 'auto' ? await chooseSimulator(manifest) : { simulator: opts.simulator, reason: 'as asked' };
      step(`simulating ${opts.shell ? `the board shell of ${manifest.design}` : manifest.design} (${manifest.frames} frames) with ${SIMULATOR_NAMES[choice.simulator]} (${choice.reason})`);
      const result = await simulate(dir, { seed: opts.seed, simulator: choice.simulator, ...(opts.shell ? { shell: true } : {}) });
      const lines = result.log.split('\n').filter((l) => /^(error|latency|cycles per frame|\d+ passed)/.test(l));
      line(lines.join('\n'));
      line(`simulation took ${result.seconds.toFixed(2)} s`);
      if (!result.ok) {
        if (result.closing === undefined) {
          throw new PotgenError(`Simulation of ${manifest.design} stopped before its checks ran${result.errors[0] ? `: ${result.errors[0].replace(/^error: /, '')}` : ` (${SIMULATOR_NAMES[choice.simulator]} exited with status ${result.exitCode})`}.`);
        }
        throw new PotgenError(`Simulation of ${manifest.design} failed: ${result.failed} check(s) failed.`);
      }
    });

  root
    .command('lint')
    .description("Lint a built design's RTL with Verilator -Wall (any warning fails).")
    .argument('<design-dir>', 'a folder written by potgen build')
    .action(async (dir: string) => {
      const [{ readManifest }, { lint }] = await Promise.all([import('../run/manifest.ts'), import('../run/lint.ts')]);
      const manifest = readManifest(dir);
      const result = await lint(dir);
      if (!result.clean) {
        line(result.log);
        throw new PotgenError(`Verilator found ${result.warnings.length} problem(s) in ${manifest.design}.`);
      }
      line(`${manifest.design}: ${manifest.rtl.length} files lint clean (verilator --lint-only -Wall)`);
    });

  root
    .command('prune')
    .description('Find how many power-of-two levels each layer can drop for an accuracy budget (log-domain pruning).')
    .argument('<model>', 'a model file with a dataset, e.g. examples/lenet5/lenet5.ts')
    .option('--bits <n>', 'PoT weight bits, sign included', parseWeightBits, 4)
    .option('--budget <points>', 'accuracy points the pruned network may lose against the unpruned one', parseBudget, 0.5)
    .option('--images <n>', 'held-out training images to score each candidate on', parseCount(1), 2000)
    .option('--test-images <n>', 'test images for the accuracy printed beside the result (default: all)', parseCount(0))
    .addHelpText(
      'after',
      [
        '',
        'Each round drops one more level in whichever layer costs the least accuracy per weight it',
        'zeroes, scored by the bit-exact integer model on training images that calibration does not',
        'use; it stops when every candidate would leave the budget. The result is a pot({ bits,',
        'pruneLevels }) per layer to paste into the model file. LeNet-5 takes a few minutes on 2 cores.',
        '',
        'Example:',
        '  potgen prune examples/lenet5/lenet5.ts --bits 4 --budget 0.5',
      ].join('\n'),
    )
    .action(async (model: string, opts: { bits: number; budget: number; images: number; testImages?: number }) => {
      step(`loading ${model}`);
      const [{ loadModel }, { prepareNetwork }, { searchPruning }] = await Promise.all([
        import('../load/loadModel.ts'),
        import('../pipeline/buildDesign.ts'),
        import('../prune/searchPruning.ts'),
      ]);
      const loaded = loadModel(model);
      const prepared = prepareNetwork(loaded.network, loaded.locator, loaded.file);
      const r = await searchPruning(prepared, {
        bits: opts.bits,
        budget: opts.budget,
        images: opts.images,
        ...(opts.testImages !== undefined ? { testImages: opts.testImages } : {}),
        progress: step,
      });
      const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
      line(`${prepared.spec.name}: PoT-${r.bits} pruned by whole levels within ${r.budget} points on ${r.searchImages} held-out training images`);
      line(`  unpruned: ${r.start.accuracy.toFixed(2)}%, ${pct(r.start.sparsity)} zero weights`);
      line(`  pruned:   ${r.accuracy.toFixed(2)}%, ${pct(r.sparsity)} zero weights (${r.steps.length} levels dropped)`);
      if (r.test) line(`  test set (${r.test.images} images): ${r.test.start.toFixed(2)}% unpruned, ${r.test.pruned.toFixed(2)}% pruned`);
      line('per layer, for the model file:');
      for (const [name, levels] of Object.entries(r.levels)) line(`  ${name}: pot({ bits: ${r.bits}${levels ? `, pruneLevels: ${levels}` : ''} })`);
    });

  root
    .command('compare')
    .description('Build the network as several quantisation variants and compare accuracy, cycles, resources, toggles and energy per inference.')
    .argument('<model>', 'the TypeScript model file, e.g. examples/lenet5/lenet5.ts')
    .option('-o, --out <dir>', 'folder for compare.md, compare.json, compare.html and the designs (default: rtl-out/<design name>-compare)')
    .option('--variants <list>', 'comma-separated variants, e.g. pot:4:prune30 for PoT-4 with at least 30% of each layer\'s weights pruned, pot:4:logic for its weights fixed into logic (layers unrolled to one step per pixel) (default: pot:3,pot:4,pot:5,uniform:4,uniform:8)', (v: string) => v.split(',').map((s) => parseQuant(s.trim())))
    .option('--baseline <label>', 'the variant every ratio divides by (default: uniform-8)')
    .option('--images <n>', 'test images for the accuracy column (default: all)', parseCount(1))
    .option('--coefficients <file>', 'energy coefficients instead of generator/energy/coefficients.json')
    .option('--saif', "also write each variant's SAIF file (<design>/power/) for Vivado's read_saif")
    .option('--jobs <n>', 'variants measured at once', parseCount(1), 2)
    .addHelpText(
      'after',
      [
        '',
        'Every figure is measured in the run: accuracy by the bit-exact integer model on the data set\'s',
        'test images, resources by Yosys, cycles and toggles by simulating the synthesised netlist over',
        'one steady-state frame of the same images (every output and every stream between layers',
        'checked against the reference model), energy from the toggles and the coefficients.',
        'LeNet-5 takes about 5 minutes on 2 cores, mostly synthesis. Synthesis and activity are cached',
        'by content hash, so an unchanged second run takes seconds (plus the accuracy column).',
        'With a pruned PoT variant among them, the report adds its width\'s accuracy against sparsity',
        'at targets 0, 10, ... 90% (integer models only, about 5 s each on LeNet-5).',
        '',
        'Example:',
        '  potgen compare examples/conv3x3.ts',
        '  potgen compare examples/lenet5/lenet5.ts --variants pot:4,uniform:4,uniform:8 --images 2000',
        '  potgen compare examples/lenet5/lenet5.ts --variants pot:4,pot:4:prune30,uniform:8',
      ].join('\n'),
    )
    .action(async (model: string, opts: { out?: string; variants?: QuantVariant[]; baseline?: string; images?: number; coefficients?: string; saif?: boolean; jobs: number }) => {
      const [{ runCompare }, { toText, curveMarkdown }, { loadModel }] = await Promise.all([import('../compare/runCompare.ts'), import('../compare/table.ts'), import('../load/loadModel.ts')]);
      const out = opts.out ?? path.join('rtl-out', `${loadModel(model).network.name}-compare`);
      const started = performance.now();
      const result = await runCompare(model, {
        out,
        ...(opts.variants ? { variants: opts.variants } : {}),
        ...(opts.baseline ? { baseline: opts.baseline } : {}),
        ...(opts.images ? { images: opts.images } : {}),
        ...(opts.coefficients ? { coefficients: opts.coefficients } : {}),
        ...(opts.saif ? { saif: true } : {}),
        jobs: opts.jobs,
        progress: (m) => step(`${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${m}`),
      });
      line(`${result.table.design}: ${result.table.rows.length} variants, ratios to ${result.table.baseline}`);
      line(toText(result.table));
      for (const curve of result.table.pruningCurves ?? []) line(curveMarkdown(curve).trim());
      if (result.table.floatAccuracy !== undefined) line(`float model: ${result.table.floatAccuracy.toFixed(2)}% on ${result.table.images} test images`);
      line(`written: ${result.files.map((f) => displayPath(f)).join(', ')}`);
      line(`took ${result.seconds.total.toFixed(0)} s (accuracy ${result.seconds.accuracy.toFixed(0)} s, synthesis and activity ${result.seconds.hardware.toFixed(0)} s)`);
    });

  root
    .command('explore')
    .description('Sweep cycles per inference: fold the network for a series of targets, measure every point (resources, cycles, energy) and mark the Pareto fronts.')
    .argument('[model]', 'the TypeScript model file (not needed with --collect)')
    .option('-o, --out <dir>', 'folder for explore.md, explore.json, explore.html and points/<label>/ (default: rtl-out/<design name>-explore)')
    .option('--quant <list>', "comma-separated weight quantisations, each as build's --quant takes it, e.g. pot:4,uniform:8 (default: the model file's own)", parseQuantList)
    .option('--points <n>', 'targets per variant: a geometric series from the fewest cycles any folding reaches to the slowest folding\'s cycles (default: 10)', parseCount(1))
    .addOption(new Option('--targets <list>', 'comma-separated targets of cycles per inference instead of the series, e.g. 500,1000,4000').argParser(parseTargets).conflicts('points'))
    .option('--jobs <n>', 'points measured at once on this machine', parseCount(1), 2)
    .addOption(new Option('--point <i>', 'measure only point i of the plan (0-based, as explore-jobs.json numbers them) and write its points/<label>/result.json').argParser(parseCount(0)).conflicts('emitJobs'))
    .option('--emit-jobs [dir]', 'measure nothing: write explore-jobs.json, a Slurm array script explore.slurm and a GitHub Actions workflow explore-matrix.yml into dir (default: the --out folder, which the tasks write into)')
    .addOption(new Option('--collect <dir>', 'merge the points/<label>/result.json files under dir into explore.md, .json and .html').conflicts(['point', 'emitJobs', 'quant', 'points', 'targets', 'out']))
    .option('--allow-missing', 'with --collect: write the reports even when some planned points have no result yet')
    .addHelpText(
      'after',
      [
        '',
        'A point is a quantisation variant folded for a target: every weighted layer takes the fewest',
        'multiply lanes (PE x SIMD) that meet the target, as build --target-cycles chooses them. Targets',
        'that give a folding another point already has are measured once (the lowest target is kept);',
        'targets no folding reaches are listed, not measured. Each point is built into',
        '<out>/points/<label>/design, synthesised with Yosys and simulated at gate level over one frame of',
        'the same test images, as potgen compare measures a variant; its figures go to',
        '<out>/points/<label>/result.json. The reports mark the Pareto fronts of cycles against LUT, DSP',
        'and energy: points no other point beats in both. explore.json depends only on the inputs.',
        '',
        'Off this machine: --emit-jobs writes a job list, a Slurm array script (one task per point; it',
        'also runs under bash with SLURM_ARRAY_TASK_ID set) and a GitHub Actions matrix workflow. Each',
        'task runs potgen explore <model> --out <out> --point <i> with the same options; then',
        '--collect <out> writes the same reports a local run would, and fails, listing them, when points',
        'are missing (unless --allow-missing).',
        '',
        'Example:',
        '  potgen explore examples/lenet5/lenet5_auto.ts --quant pot:4 --points 10 -o rtl-out/lenet-explore',
        '  potgen explore examples/lenet5/lenet5_auto.ts --quant pot:4,uniform:8 --targets 1000,4000,16000',
        '  potgen explore examples/lenet5/lenet5_auto.ts --quant pot:4 --emit-jobs -o /shared/lenet-explore',
        '  sbatch /shared/lenet-explore/explore.slurm   # then: potgen explore --collect /shared/lenet-explore',
      ].join('\n'),
    )
    .action(
      async (
        model: string | undefined,
        opts: { out?: string; quant?: QuantVariant[]; points?: number; targets?: number[]; jobs: number; point?: number; emitJobs?: string | true; collect?: string; allowMissing?: boolean },
      ) => {
        const { runExplore, collectExplore } = await import('../explore/runExplore.ts');
        const started = performance.now();
        const progress = (m: string): void => step(`${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${m}`);
        if (opts.allowMissing && opts.collect === undefined) throw new PotgenError('--allow-missing goes with --collect <dir>.');
        if (opts.collect === undefined && model === undefined) {
          // `--emit-jobs model.ts` reads the model as the folder: its value is optional.
          const hint = typeof opts.emitJobs === 'string' && /\.m?ts$/.test(opts.emitJobs) ? ` (--emit-jobs took ${opts.emitJobs} as its folder: put the model before it)` : '';
          throw new PotgenError(`Name the model file to explore (potgen explore <model>), or --collect <dir> to merge measured points${hint}.`);
        }
        if (opts.collect !== undefined && model !== undefined) progress(`--collect reads the plan from the results; ${model} is not loaded`);
        const outcome =
          opts.collect !== undefined
            ? await collectExplore(opts.collect, { ...(opts.allowMissing ? { allowMissing: true } : {}), progress })
            : await runExplore(model!, {
                  ...(opts.out !== undefined ? { out: opts.out } : {}),
                  ...(opts.quant ? { variants: opts.quant } : {}),
                  ...(opts.points !== undefined ? { points: opts.points } : {}),
                  ...(opts.targets ? { targets: opts.targets } : {}),
                  jobs: opts.jobs,
                  ...(opts.point !== undefined ? { point: opts.point } : {}),
                  ...(opts.emitJobs !== undefined ? { emitJobs: opts.emitJobs } : {}),
                  progress,
                });
        if (outcome.kind === 'jobs') {
          const n = outcome.plan.points.length;
          line(`${outcome.plan.design}: ${n} point${n === 1 ? '' : 's'} planned, nothing measured; job files written: ${outcome.files.map((f) => displayPath(f)).join(', ')}`);
          line(`  Slurm: sbatch ${displayPath(outcome.files.find((f) => f.endsWith('.slurm'))!)}`);
          line(`  then:  potgen explore --collect ${displayPath(outcome.out)}`);
          return;
        }
        if (outcome.kind === 'point') {
          const p = outcome.point;
          line(`${p.label}: ${p.cycles} cycles, ${p.luts} LUT, ${p.dsp} DSP, ${p.energyNanojoules.toFixed(2)} nJ per inference; written ${displayPath(outcome.files[0]!)}`);
          return;
        }
        const { markdownTable, reportNotes } = await import('../explore/report.ts');
        line(markdownTable(outcome.report));
        line();
        for (const note of reportNotes(outcome.report)) line(note);
        line(`written: ${outcome.files.map((f) => displayPath(f)).join(', ')}`);
      },
    );

  root
    .command('synth')
    .description('Synthesise a built design for UltraScale+ with Yosys and report resources.')
    .argument('<design-dir>', 'a folder written by potgen build')
    .action(async (dir: string) => {
      const [{ readManifest, readRtlFiles }, { synthesiseXilinx }] = await Promise.all([import('../run/manifest.ts'), import('../run/yosys.ts')]);
      const manifest = readManifest(dir);
      step(`synthesising ${manifest.top} with Yosys (synth_xilinx -family xcup): seconds for a layer, minutes for a whole network`);
      const files = readRtlFiles(dir, manifest);
      const r = await synthesiseXilinx(files, manifest.top);
      line(`${manifest.top}: ${r.luts} LUT, ${r.flipFlops} FF, ${r.carry} CARRY4, ${r.dsp} DSP48E2, ${r.bram} BRAM36, ${r.lutram} LUTRAM, ${r.latches} latches (${r.seconds.toFixed(1)} s)`);
      if (r.latches > 0) throw new PotgenError(`${manifest.top} infers ${r.latches} latch(es).`);
    });

  root
    .command('vivado')
    .description('Run Vivado on a built design: out-of-context implementation with reports (default), or the whole board build to a bitstream.')
    .argument('<design-dir>', 'a folder written by potgen build')
    .addOption(new Option('--ooc', 'synthesise and implement the design alone, with utilisation, timing and power reports (the default)').conflicts('bitstream'))
    .option('--bitstream', 'build the board: block design with the processing system and AXI DMA, bitstream, XSA and PYNQ files')
    .option('--board <name>', `the board file in vivado/boards/ (${boardNames().join(', ')})`, DEFAULT_BOARD)
    .option('--clock-mhz <mhz>', "the clock to implement at (default: the board's, 200 MHz)", parseMhz)
    .option('--allow-negative-slack', 'write the reports and finish even when timing is not met')
    .option('--step <name>', 'run only this step (repeatable): synth, impl, reports out of context; project, bitstream, export for the board', (v: string, prev: string[] = []) => [...prev, v])
    .option('--jobs <n>', "parallel jobs for the board build's Vivado runs", parseCount(1), DEFAULT_VIVADO_JOBS)
    .option('--no-yosys', 'do not put a Yosys estimate beside the out-of-context figures')
    .addHelpText(
      'after',
      [
        '',
        "Needs Vivado (2020.2 or newer) on the PATH. Each step is one Vivado batch run with its own log;",
        "outputs land in <design-dir>/vivado/ooc/ or <design-dir>/vivado/board/. The scripts are the",
        "design's vivado/*.tcl, which also run by hand: vivado -mode batch -source vivado/ooc.tcl.",
        'Power comes from simulated activity when <design-dir>/power/<design>.saif exists (potgen compare --saif).',
        '',
        'Example:',
        '  potgen vivado rtl-out/lenet5',
        '  potgen vivado rtl-out/lenet5 --bitstream --board zcu104',
      ].join('\n'),
    )
    .action(async (dir: string, opts: { bitstream?: boolean; board: string; clockMhz?: number; allowNegativeSlack?: boolean; step?: string[]; jobs: number; yosys: boolean }) => {
      const [{ readManifest, readRtlFiles }, { runVivado }, { vivadoSummaryTable }] = await Promise.all([
        import('../run/manifest.ts'),
        import('../vivado/runVivado.ts'),
        import('../vivado/reports.ts'),
      ]);
      const manifest = readManifest(dir);
      const flow = opts.bitstream ? 'board' : 'ooc';
      const result = await runVivado(dir, manifest, {
        flow,
        board: opts.board,
        ...(opts.clockMhz !== undefined ? { clockMhz: opts.clockMhz } : {}),
        allowNegativeSlack: opts.allowNegativeSlack ?? false,
        jobs: opts.jobs,
        ...(opts.step ? { steps: opts.step } : {}),
        progress: step,
      });
      let yosys;
      // Out of context both tools see the same design; a board build adds the DMA and interconnect.
      if (opts.yosys && flow === 'ooc') {
        const { synthesiseXilinx } = await import('../run/yosys.ts');
        step(`synthesising ${manifest.top} with Yosys for the estimate beside Vivado's figures`);
        yosys = await synthesiseXilinx(readRtlFiles(dir, manifest), manifest.top);
      }
      line(`${manifest.design}: Vivado ${result.version}, ${flow === 'ooc' ? `${manifest.top} out of context` : `the ${opts.board} board build`} at ${result.clockMhz} MHz`);
      line(vivadoSummaryTable({ utilization: result.utilization, timing: result.timing, power: result.power }, yosys));
      line(`reports: ${displayPath(result.outDir)} (took ${(result.seconds / 60).toFixed(1)} min)`);
    });

  return root;
}

/**
 * The stack of an unexpected error, with frames in the compiled bundle mapped back to the
 * TypeScript sources through the bundle's source map (read only now: loading it at every start
 * would cost a tenth of a second).
 */
function sourceStack(e: unknown): string {
  const stack = (e as Error | undefined)?.stack ?? String(e);
  const here = fileURLToPath(import.meta.url);
  if (!existsSync(`${here}.map`)) return stack;
  try {
    const map = new SourceMap(JSON.parse(readFileSync(`${here}.map`, 'utf8')) as SourceMapPayload);
    const dir = path.dirname(here);
    return stack.replace(/(?:file:\/\/)?([^\s()]+):(\d+):(\d+)/g, (whole, file: string, line: string, column: string) => {
      if (path.resolve(file) !== here) return whole;
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
      if (!('originalSource' in entry)) return whole;
      return `${path.relative(process.cwd(), path.resolve(dir, entry.originalSource))}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
  } catch {
    return stack;
  }
}

/** Runs the CLI on `argv` (as process.argv: node, script, args...); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await program(io).parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    // Commander has already printed its own message (or the help or version it was asked for).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof PotgenError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    io.err(`potgen: internal error (please report it): ${sourceStack(e)}\n`);
    return 2;
  }
}
