/**
 * The built-in LeNet-5 example as whole-network RTL: 20 real MNIST test images through the PoT
 * and the uniform build under Verilator (and 3 under Icarus), every output and the cycles per
 * inference checked; both builds synthesise, the PoT one without DSP48E2. The same network folded
 * automatically for 1,000 cycles per inference simulates bit-exact at its analytic 960.
 */
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../../generator/pipeline/buildDesign.ts';
import { runNetwork } from '../../generator/reference/referenceModel.ts';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { writePlan } from '../../generator/write/writePlan.ts';
import { laneUse } from '../../generator/passes/laneUse.ts';
import { runPotgen, tempDir } from '../support/designs.ts';

describe('LeNet-5 on real MNIST images', () => {
  const dir = tempDir();
  it.each([
    { label: 'PoT 4-bit', quant: undefined },
    { label: 'uniform 4-bit', quant: { kind: 'uniform', bits: 4 } as const },
  ])('$label: 20 test images match the reference model, and every measured cycles per inference equals the analytic figure', async ({ label, quant }) => {
    const built = buildDesign('examples/lenet5/lenet5.ts', { steadyFrames: 3, stressFrames: 17, ...(quant ? { quant } : {}) });
    // The 20 frames cover all ten classes, so a stuck arg-max cannot pass.
    expect(new Set(built.images.map((x) => runNetwork(built.ir, x).at(-1)!.data[0])).size).toBe(10);
    const out = `${dir}/${label.replace(/\W+/g, '_')}`;
    writePlan(built.plan, out);
    const sim = await simulate(out, { simulator: 'verilator' });
    expect(sim.log).toContain('22 passed, 0 failed');
    expect(sim.ok).toBe(true);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame, built.hw.cyclesPerFrame]);
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

  it('the pruned, fine-tuned example (lenet5_pruned.ts, 59% zero weights) matches the reference under Icarus (3 images)', async () => {
    const built = buildDesign('examples/lenet5/lenet5_pruned.ts', { steadyFrames: 2, stressFrames: 1 });
    const weights = built.ir.layers.flatMap((l) => ('weightValues' in l ? l.weightValues : []));
    expect(weights.filter((v) => v === 0).length / weights.length).toBeGreaterThan(0.5);
    const out = `${dir}/pruned`;
    writePlan(built.plan, out);
    const sim = await simulate(out);
    expect(sim.log).toContain('4 passed, 0 failed');
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame]);
    expect(sim.ok).toBe(true);
    expect((await lint(out)).clean).toBe(true);
  });

  it('auto-folded for 1,000 cycles (lenet5_auto.ts --target-cycles 1000): 960 cycles per inference, measured, bit-exact on 4 images, lint clean, lanes over 70% busy', async () => {
    const built = buildDesign('examples/lenet5/lenet5_auto.ts', { targetCycles: 1000, steadyFrames: 2, stressFrames: 2 });
    expect(built.hw.cyclesPerFrame).toBe(960);
    // conv2 takes 2 of its 25 taps a step (16 x 12 lanes), its rows' last steps running past the kernel.
    expect(built.folding!.choices.map((c) => `${c.layer} ${c.pe}x${c.simd}`)).toEqual(['conv1 6x25', 'conv2 16x12', 'fc1 2x16', 'fc2 1x12', 'fc3 1x1']);
    const use = laneUse(built.hw);
    expect(use.macs).toBe(281_640);
    expect(use.utilisation).toBeGreaterThanOrEqual(0.7);
    const out = `${dir}/auto`;
    writePlan(built.plan, out);
    const sim = await simulate(out);
    expect(sim.log).toContain('5 passed, 0 failed');
    expect(sim.measuredCyclesPerFrame).toEqual([960]);
    expect(sim.ok).toBe(true);
    expect((await lint(out)).clean).toBe(true);
  });

  it('also runs under Icarus (3 images)', async () => {
    const built = buildDesign('examples/lenet5/lenet5.ts', { steadyFrames: 2, stressFrames: 1 });
    const out = `${dir}/icarus`;
    writePlan(built.plan, out);
    const sim = await simulate(out);
    expect(sim.log).toContain('4 passed, 0 failed');
    expect(sim.ok).toBe(true);
  });
});
