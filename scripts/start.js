#!/usr/bin/env node
// `npm start`: from a fresh clone to a built, simulated, linted and synthesised example.
// Plain Node with no dependencies, because it runs before `npm ci` has installed any.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = 'examples/conv3x3.ts';
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

const missing = ['iverilog', 'verilator'].filter((t) => !has(t));
if (missing.length > 0) {
  const root_ = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root_ ? [] : has('sudo') ? ['sudo'] : null;
  if (sudo === null) {
    process.stderr.write(`npm start: ${missing.join(' and ')} missing; install them as root: apt-get install -y iverilog verilator\n`);
    process.exit(1);
  }
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  run('Installing Icarus Verilog and Verilator (apt-get)', cmd, [...pre, 'update', '-qq']);
  run('', cmd, [...pre, 'install', '-y', '-qq', 'iverilog', 'verilator']);
}

if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  run('Installing npm packages (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
}

const potgen = (title, ...args) => run(title, process.execPath, ['bin/potgen.js', ...args], { capture: true });

const pot = potgen(`Building ${example} with 4-bit power-of-two weights`, 'build', example, '-o', 'rtl-out/conv3x3');
potgen('Simulating it under Icarus Verilog against the reference model', 'sim', 'rtl-out/conv3x3');
potgen('Linting it with Verilator -Wall', 'lint', 'rtl-out/conv3x3');
const potSynth = potgen('Synthesising it with Yosys for the ZCU104 (UltraScale+)', 'synth', 'rtl-out/conv3x3');
potgen('Building the uniform 4-bit baseline (real multipliers)', 'build', example, '--quant', 'uniform:4', '-o', 'rtl-out/conv3x3_uniform4');
potgen('Simulating the baseline', 'sim', 'rtl-out/conv3x3_uniform4');
const uniSynth = potgen('Synthesising the baseline', 'synth', 'rtl-out/conv3x3_uniform4');

const cycles = /(\d+) cycles per inference/.exec(pot)?.[1] ?? '?';
const row = (s) => {
  const m = /(\d+) LUT, (\d+) FF, \d+ CARRY4, (\d+) DSP48E2/.exec(s);
  return m ? { lut: m[1], ff: m[2], dsp: m[3] } : { lut: '?', ff: '?', dsp: '?' };
};
const p = row(potSynth);
const u = row(uniSynth);
process.stdout.write(`
Done in ${elapsed()}. Example ${example} (one 3x3 conv layer, 8x8x3 -> 8x8x8):
                        LUT      FF   DSP   cycles/inference
  PoT 4-bit (shifts) ${p.lut.padStart(6)} ${p.ff.padStart(7)} ${p.dsp.padStart(5)}   ${cycles}
  uniform 4-bit      ${u.lut.padStart(6)} ${u.ff.padStart(7)} ${u.dsp.padStart(5)}   ${cycles}
Outputs are in rtl-out/conv3x3 and rtl-out/conv3x3_uniform4 (rtl/, tb/, potgen.json).
`);
