/**
 * Whole networks: every layer kind chained under one top, simulated against the reference model.
 * Small random networks cover pooling, dense, signed outputs and arg-max under Icarus; the
 * LeNet-5 example streams 20 real MNIST test images through PoT and uniform builds.
 */
import { describe, expect, it } from 'vitest';
import { argmax, avgPool2d, conv2d, dense, flatten, maxPool2d, network, pot, randomWeights, uniform } from '../../generator/dsl/index.ts';
import type { RawLayer } from '../../generator/dsl/types.ts';
import { buildDesign } from '../../generator/pipeline/buildDesign.ts';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { writePlan } from '../../generator/write/writePlan.ts';
import { buildInto, runPotgen, tempDir } from '../support/designs.ts';

const small = (name: string, input: [number, number, number], layers: RawLayer[]) =>
  network({ name, input: { height: input[0], width: input[1], channels: input[2] }, weights: randomWeights(11), layers });

const NETWORKS = [
  small('pool_k2s2', [8, 8, 2], [conv2d({ name: 'c', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2 }), maxPool2d({ name: 'p', kernel: 2 })]),
  small('pool_k3s2p1', [9, 9, 3], [conv2d({ name: 'c', outChannels: 2, kernel: 1, pe: 2, simd: 3 }), maxPool2d({ name: 'p', kernel: 3, stride: 2, padding: 1 })]),
  small('pool_k3s1', [6, 7, 2], [conv2d({ name: 'c', outChannels: 3, kernel: 3, pe: 3, weights: uniform({ bits: 4 }) }), maxPool2d({ name: 'p', kernel: 3, stride: 1 })]),
  small('pool_then_conv', [10, 10, 1], [
    conv2d({ name: 'c1', outChannels: 4, kernel: 3, pe: 4 }),
    maxPool2d({ name: 'p1', kernel: 2 }),
    conv2d({ name: 'c2', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 4, weights: pot({ bits: 3 }) }),
  ]),
  small('dense_head', [6, 6, 2], [
    conv2d({ name: 'c', outChannels: 4, kernel: 3, pe: 4, simd: 2 }),
    maxPool2d({ name: 'p', kernel: 2 }),
    flatten(),
    dense({ name: 'fc1', outFeatures: 12, pe: 4, simd: 2 }),
    dense({ name: 'fc2', outFeatures: 5, pe: 5, simd: 6, activation: 'none' }),
  ]),
  small('dense_argmax_uniform', [4, 4, 3], [
    flatten(),
    dense({ name: 'fc1', outFeatures: 8, pe: 2, simd: 3, weights: uniform({ bits: 8 }) }),
    dense({ name: 'fc2', outFeatures: 6, pe: 3, simd: 8, weights: uniform({ bits: 8 }), activation: 'none' }),
    argmax(),
  ]),
  small('avg_k2', [8, 8, 2], [conv2d({ name: 'c', outChannels: 4, kernel: 3, padding: 'same', pe: 4, simd: 2 }), avgPool2d({ name: 'p', kernel: 2 })]),
  small('avg_k3s2p1', [9, 9, 3], [conv2d({ name: 'c', outChannels: 2, kernel: 1, pe: 2, simd: 3, weights: uniform({ bits: 6 }) }), avgPool2d({ name: 'p', kernel: 3, stride: 2, padding: 1 })]),
  small('avg_global_head', [7, 7, 2], [
    conv2d({ name: 'c', outChannels: 6, kernel: 3, pe: 3, simd: 2 }),
    avgPool2d({ name: 'gap', global: true }),
    flatten(),
    dense({ name: 'fc', outFeatures: 4, pe: 4, simd: 6, activation: 'none' }),
    argmax(),
  ]),
  small('dense_argmax_pot', [4, 4, 3], [
    flatten(),
    dense({ name: 'fc1', outFeatures: 8, pe: 8, simd: 1, weights: pot({ bits: 5 }) }),
    dense({ name: 'fc2', outFeatures: 6, pe: 1, simd: 4, weights: pot({ bits: 5 }), activation: 'none', activationBits: 6 }),
    argmax({ name: 'pick' }),
  ]),
];

describe('small networks of every layer kind under Icarus', () => {
  const dir = tempDir();
  it.each(NETWORKS.map((n) => [n.name, n] as const))('%s', async (_, net) => {
    const built = buildInto(dir, net, { steadyFrames: 3, stressFrames: 3 });
    const sim = await simulate(built.out);
    const last = built.hw.layers.at(-1)!;
    const beats = 6 * last.output.height * last.output.width;
    expect(sim.log).toContain(`${beats + 2} passed, 0 failed`);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame, built.hw.cyclesPerFrame]);
    expect((await lint(built.out)).log).toBe('');
  });
});

describe('LeNet-5 on real MNIST images', () => {
  const dir = tempDir();
  it.each([
    { label: 'PoT 4-bit', quant: undefined },
    { label: 'uniform 4-bit', quant: { kind: 'uniform', bits: 4 } as const },
  ])('$label: 20 test images match the reference model, cycles per inference within 5% of the analytic figure', async ({ label, quant }) => {
    const built = buildDesign('examples/lenet5/lenet5.ts', { steadyFrames: 3, stressFrames: 17, ...(quant ? { quant } : {}) });
    const out = `${dir}/${label.replace(/\W+/g, '_')}`;
    writePlan(built.plan, out);
    const sim = await simulate(out, { simulator: 'verilator' });
    expect(sim.log).toContain('22 passed, 0 failed');
    expect(sim.ok).toBe(true);
    for (const measured of sim.measuredCyclesPerFrame) {
      expect(Math.abs(measured - built.hw.cyclesPerFrame) / built.hw.cyclesPerFrame).toBeLessThanOrEqual(0.05);
    }
    expect((await lint(out)).clean).toBe(true);
  });

  it('synthesises for UltraScale+ without latches; the PoT build uses no DSP48E2, the uniform one does', async () => {
    // The two builds synthesise in parallel, one per core; each takes about two minutes.
    const synthesise = async (label: string, quant?: string) => {
      const out = `${dir}/synth_${label}`;
      const built = await runPotgen('build', 'examples/lenet5/lenet5.ts', '-o', out, ...(quant ? ['--quant', quant] : []));
      expect(built.status).toBe(0);
      const synth = await runPotgen('synth', out);
      expect(synth.status, synth.stderr).toBe(0);
      const m = /(\d+) LUT, (\d+) FF, \d+ CARRY4, (\d+) DSP48E2, [\d.]+ BRAM36, \d+ LUTRAM, (\d+) latches/.exec(synth.stdout);
      expect(m, synth.stdout).not.toBeNull();
      return { dsp: Number(m![3]), latches: Number(m![4]) };
    };
    const [pot, uniform] = await Promise.all([synthesise('pot'), synthesise('uniform', 'uniform:4')]);
    const resources = { pot, uniform };
    expect(resources.pot).toEqual({ dsp: 0, latches: 0 });
    expect(resources.uniform.latches).toBe(0);
    expect(resources.uniform.dsp).toBeGreaterThan(0);
  }, 900_000);

  it('also runs under Icarus (3 images)', async () => {
    const built = buildDesign('examples/lenet5/lenet5.ts', { steadyFrames: 2, stressFrames: 1 });
    const out = `${dir}/icarus`;
    writePlan(built.plan, out);
    const sim = await simulate(out);
    expect(sim.log).toContain('4 passed, 0 failed');
    expect(sim.ok).toBe(true);
  });
});
