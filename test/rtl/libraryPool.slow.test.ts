/** Yosys on potgen_pool_layer's average mode: no multiplier, no DSP48E2, no latch. */
import { describe, expect, it } from 'vitest';
import { libPaths } from '../support/libRtl.ts';
import { averageSets, byKernel, POOL_FILES, show } from '../support/libPoolSets.ts';
import { coarseCells, synthXilinx } from '../support/libYosys.ts';

const FILES = POOL_FILES;

describe.concurrent('potgen_pool_layer under Yosys', () => {
  it.each([byKernel(3), averageSets[8]!].map((p) => [show(p), p] as const))(
    'average pooling builds no multiplier (Yosys finds no $mul): %s',
    async (_, p) => {
      const { FRAMES: _frames, ...module } = p;
      const run = await coarseCells('potgen_pool_layer', libPaths(FILES), module);
      expect(run.status, run.log).toBe(0);
      expect(run.cells).toBeDefined();
      expect(run.cells!['$mul'] ?? 0).toBe(0);
    },
  );

  it('average pooling synthesises for UltraScale+ with no DSP48E2 and no latch', async () => {
    const { FRAMES: _frames, ...module } = byKernel(3);
    const run = await synthXilinx('potgen_pool_layer', libPaths(FILES), module);
    expect(run.status, run.log).toBe(0);
    const cells = run.cells!;
    expect(cells['DSP48E2'] ?? 0).toBe(0);
    expect(Object.keys(cells).filter((t) => /^(LDCE|LDPE)|DLATCH|dlatch/.test(t))).toEqual([]);
    expect(Object.keys(cells).some((t) => /^LUT[1-6]$/.test(t))).toBe(true);
  });
});
