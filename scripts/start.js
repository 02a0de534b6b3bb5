#!/usr/bin/env node
// `npm start`: from a fresh clone to the built-in LeNet-5 example built, scored, simulated and linted.
// Plain Node with no dependencies, because it runs before `npm ci` has installed any.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = 'examples/lenet5/lenet5.ts';
const started = Date.now();

function elapsed() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Runs a command with its output shown; stops everything on failure. */
function run(title, command, args, { capture = false } = {}) {
  process.stdout.write(`\n▸ ${title}  [${elapsed()}]\n`);
  const r = spawnSync(command, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    process.stderr.write(`\nnpm start: "${[command, ...args].join(' ')}" failed${r.error ? `: ${r.error.message}` : ` with exit code ${r.status}`}.\n`);
    process.exit(1);
  }
  if (capture) process.stdout.write(r.stdout);
  return r.stdout ?? '';
}

function has(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`npm start: potgen needs Node 20 or newer; this is ${process.version}.\n`);
  process.exit(1);
}

// What potgen and its tests need from Debian, each with how to tell it is there.
const DEBIAN = [
  { pkg: 'iverilog', present: () => has('iverilog') },
  { pkg: 'verilator', present: () => has('verilator') },
  // The Fashion-MNIST example's IDX files (its slow test reads them).
  { pkg: 'dataset-fashion-mnist', present: () => existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') },
  // numpy for Debian's python3: the PoT fine-tuning quantiser is tested against potgen's.
  { pkg: 'python3-numpy', present: () => spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0 },
];
const missing = DEBIAN.filter((d) => !d.present()).map((d) => d.pkg);
if (missing.length > 0) {
  const root_ = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root_ ? [] : has('sudo') ? ['sudo'] : null;
  if (sudo === null) {
    process.stderr.write(`npm start: ${missing.join(', ')} missing; install them as root: apt-get install -y ${missing.join(' ')}\n`);
    process.exit(1);
  }
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  run(`Installing ${missing.join(', ')} (apt-get)`, cmd, [...pre, 'update', '-qq']);
  run('', cmd, [...pre, 'install', '-y', '-qq', ...missing]);
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  run('Installing npm packages (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
}

const potgen = (title, ...args) => run(title, process.execPath, ['bin/potgen.js', ...args], { capture: true });

/** Runs potgen commands at once (one per core), then shows each one's output in order. */
async function together(title, commands) {
  process.stdout.write(`\n▸ ${title}  [${elapsed()}]\n`);
  const runs = commands.map(
    (args) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['bin/potgen.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (b) => (out += b));
        child.stderr.on('data', (b) => (err += b));
        child.on('close', (status) => resolve({ args, status, out, err }));
      }),
  );
  const results = await Promise.all(runs);
  for (const r of results) {
    process.stderr.write(r.err);
    process.stdout.write(r.out);
    if (r.status !== 0) {
      process.stderr.write(`\nnpm start: "potgen ${r.args.join(' ')}" failed with exit code ${r.status}.\n`);
      process.exit(1);
    }
  }
  return results.map((r) => r.out + r.err);
}

const pot = potgen(`Building ${example} (LeNet-5, 4-bit power-of-two weights)`, 'build', example, '-o', 'rtl-out/lenet5');
const uni = potgen('Building its uniform 4-bit baseline (real multipliers)', 'build', example, '--quant', 'uniform:4', '-o', 'rtl-out/lenet5_uniform4');
const accuracy = potgen('Scoring the float and integer models on the 10,000 MNIST test images', 'eval', example);
const [potSim, uniSim] = await together('Simulating both designs on 4 MNIST images (potgen picks the fastest simulator installed)', [
  ['sim', 'rtl-out/lenet5'],
  ['sim', 'rtl-out/lenet5_uniform4'],
]);
await together('Linting both designs with Verilator -Wall', [
  ['lint', 'rtl-out/lenet5'],
  ['lint', 'rtl-out/lenet5_uniform4'],
]);

const cycles = (s) => /(\d+) cycles per inference/.exec(s)?.[1] ?? '?';
const measured = (s) => /cycles per frame: measured (\d+)/.exec(s)?.[1] ?? '?';
const checks = (s) => /^(\d+ passed, \d+ failed)$/m.exec(s)?.[1] ?? '?';
const simulator = (s) => / with (Icarus Verilog|Verilator) /.exec(s)?.[1] ?? '?';
const rows = accuracy.split('\n').filter((l) => l.startsWith('  ')).join('\n');
process.stdout.write(`
Done in ${elapsed()}.

${accuracy.split('\n')[0]}
${rows}

Simulation (every output checked against the bit-exact reference model, under ${simulator(potSim)}):
  PoT 4-bit      ${checks(potSim).padEnd(20)} ${measured(potSim)} cycles per inference measured, ${cycles(pot)} analytic
  uniform 4-bit  ${checks(uniSim).padEnd(20)} ${measured(uniSim)} cycles per inference measured, ${cycles(uni)} analytic

Designs: rtl-out/lenet5 and rtl-out/lenet5_uniform4 (rtl/, tb/, vivado/, driver/, potgen.json).
Next: npx potgen synth rtl-out/lenet5   (Yosys resources for UltraScale+, about 2 minutes)
      npx potgen vivado rtl-out/lenet5  (with Vivado on the PATH: out-of-context reports; --bitstream for the ZCU104)
      npx potgen build examples/lenet5/lenet5_auto.ts --target-cycles 1000   (potgen sizes the arrays: 960 cycles, 15x faster)
`);
