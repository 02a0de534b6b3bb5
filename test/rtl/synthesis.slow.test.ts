/**
 * Every configuration of the matrix synthesises for UltraScale+ with Yosys without latches; the
 * PoT designs use no DSP48E2 and contain no multiplier at all, the uniform ones multiply (and
 * those with a real weight scale requantise through DSP48E2 multipliers). That includes the cases
 * reading 25 kernel taps a step: their line buffer sits in distributed RAM, one cheap read port per
 * tap (in block RAM, Yosys took minutes copying the memory per port).
 */
import { describe, expect, it } from 'vitest';
import type { ConvHW } from '../../generator/layers/convEngine.ts';
import { readRtlFiles } from '../../generator/run/manifest.ts';
import { countCoarseCells, synthesiseXilinx } from '../../generator/run/yosys.ts';
import { CASES } from '../support/convCases.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

describe('synthesis with yosys synth_xilinx -family xcup', () => {
  const dir = tempDir();
  it.each(CASES)('$name', async ({ name, input, layer }) => {
    const built = buildInto(dir, convNetwork(name, input, layer), { steadyFrames: 2, stressFrames: 0 });
    const files = readRtlFiles(built.out);
    const top = `${name}_top`;
    const report = await synthesiseXilinx(files, top);
    expect(report.latches).toBe(0);
    expect(report.luts).toBeGreaterThan(0);
    const coarse = await countCoarseCells(files, top);
    if ((built.hw.layers[0] as ConvHW).quant === 'pot') {
      expect(report.dsp).toBe(0);
      expect(coarse.$mul ?? 0).toBe(0);
    } else {
      expect(coarse.$mul ?? 0).toBeGreaterThan(0);
      // Weights in logic are shift-adds: the only multiplies left are requantisation's, one per PE.
      if (layer.weightStorage === 'logic') expect(coarse.$mul ?? 0).toBeLessThanOrEqual((built.hw.layers[0] as ConvHW).multipliers.length > 0 ? (layer.pe ?? 1) : 0);
      // A real weight scale adds one requantisation multiply per lane, mapped to DSP48E2.
      if ((built.hw.layers[0] as ConvHW).multipliers.length > 0) expect(report.dsp).toBeGreaterThan(0);
    }
  });
});
