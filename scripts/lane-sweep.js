#!/usr/bin/env node
// The cost of one MAC/BAC lane: a 3x3 conv layer built at a range of array sizes (PE x SIMD lanes)
// for each weight quantisation, synthesised with Yosys (`potgen synth`), and the least-squares
// slope of LUTs (and flip-flops, DSP48E2) against the lane count. Issue 8 asks for this figure
// before and after making the PoT lane cheaper.
//
//   node scripts/lane-sweep.js [--quant pot:4,uniform:4,uniform:8] [--jobs 2] [--write generator/passes/laneCosts.json]
//
// Every figure comes from a synthesis run in this invocation; nothing is cached. --write stores the
// fits as the per-lane costs that `potgen build --lut-budget` estimates with.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('Usage: node scripts/lane-sweep.js [--quant pot:4,uniform:4,uniform:8] [--jobs 2] [--write FILE]\n\nSynthesises a 3x3 conv (8x8x8 in, 8 out) at PE x SIMD = 1x1 .. 8x8 for each quantisation and prints\nLUT, FF and DSP48E2 per lane (least-squares slope against PE x SIMD). About 3½ minutes on 2 cores.');
  process.exit(0);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const quants = option('--quant', 'pot:4,uniform:4,uniform:8').split(',');
const jobs = Math.max(1, Number(option('--jobs', '2')));
const writeTo = option('--write', undefined);

/** Array sizes: 8 input and 8 output channels, so every PE x SIMD below divides them. */
const SIZES = [
  [1, 1],
  [2, 1],
  [2, 2],
  [4, 2],
  [4, 4],
  [8, 4],
  [8, 8],
];

function model(pe, simd) {
  return `import { conv2d, network, randomWeights } from 'potgen';
export default network({
  name: 'sweep',
  input: { height: 8, width: 8, channels: 8 },
  weights: randomWeights(1),
  layers: [conv2d({ name: 'conv1', outChannels: 8, kernel: 3, padding: 'same', pe: ${pe}, simd: ${simd} })],
});
`;
}

function run(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'potgen.js'), ...argv], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => (status === 0 ? resolve(out) : reject(new Error(`potgen ${argv.join(' ')} failed (${status}):\n${err}`))));
  });
}

const work = mkdtempSync(path.join(os.tmpdir(), 'potgen-lane-sweep-'));
try {
  const tasks = quants.flatMap((quant) => SIZES.map(([pe, simd]) => ({ quant, pe, simd })));
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const t = tasks[next++];
      const name = `${t.quant.replace(/:/g, '_')}-pe${t.pe}-simd${t.simd}`;
      const file = path.join(work, `${name}.ts`);
      writeFileSync(file, model(t.pe, t.simd));
      const dir = path.join(work, name);
      await run(['build', file, '--quant', t.quant, '-o', dir]);
      const out = await run(['synth', dir]);
      const m = /(\d+) LUT, (\d+) FF, (\d+) CARRY\d, (\d+) DSP48E2/.exec(out);
      if (!m) throw new Error(`unexpected synth output: ${out}`);
      results.push({ ...t, lanes: t.pe * t.simd, lut: +m[1], ff: +m[2], dsp: +m[4] });
      process.stderr.write(`lane-sweep: ${t.quant} PE ${t.pe} x SIMD ${t.simd}: ${m[1]} LUT, ${m[2]} FF, ${m[4]} DSP\n`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const slope = (points, key) => {
    const n = points.length;
    const mx = points.reduce((s, p) => s + p.lanes, 0) / n;
    const my = points.reduce((s, p) => s + p[key], 0) / n;
    const sxy = points.reduce((s, p) => s + (p.lanes - mx) * (p[key] - my), 0);
    const sxx = points.reduce((s, p) => s + (p.lanes - mx) ** 2, 0);
    const b = sxy / sxx;
    return { perLane: b, fixed: my - b * mx };
  };
  console.log('3x3 conv, 8x8x8 in, 8 out: LUT, FF and DSP48E2 against PE x SIMD lanes (Yosys synth_xilinx -family xcup)\n');
  console.log(['quant', ...SIZES.map(([p, s]) => `${p}x${s}`), 'LUT/lane', 'LUT fixed', 'FF/lane', 'DSP/lane'].join('\t'));
  const costs = {};
  for (const quant of quants) {
    const points = results.filter((r) => r.quant === quant).sort((a, b) => a.lanes - b.lanes);
    const lut = slope(points, 'lut');
    const ff = slope(points, 'ff');
    const dsp = slope(points, 'dsp');
    console.log([quant, ...points.map((p) => String(p.lut)), lut.perLane.toFixed(1), lut.fixed.toFixed(0), ff.perLane.toFixed(1), dsp.perLane.toFixed(2)].join('\t'));
    const round = (x) => Math.round(x * 100) / 100;
    costs[quant] = {
      lutPerLane: round(lut.perLane),
      lutPerLayer: round(lut.fixed),
      ffPerLane: round(ff.perLane),
      ffPerLayer: round(ff.fixed),
      dspPerLane: round(dsp.perLane),
      points: points.map((p) => ({ pe: p.pe, simd: p.simd, lut: p.lut, ff: p.ff, dsp: p.dsp })),
    };
  }
  if (writeTo) {
    const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
    const data = {
      about: 'Per-lane and per-layer cost of a conv layer, fitted by scripts/lane-sweep.js: a 3x3 conv (8x8x8 in, 8 out) at PE x SIMD = 1x1 .. 8x8, synthesised with Yosys synth_xilinx -family xcup. Do not edit: rerun the sweep with --write.',
      commit: git.status === 0 ? git.stdout.trim() : 'unknown',
      costs,
    };
    const file = path.resolve(root, writeTo);
    writeFileSync(`${file}.partial`, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(`${file}.partial`, file);
    console.log(`\nwritten: ${path.relative(root, file)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
