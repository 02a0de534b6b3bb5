/**
 * Planning an exploration: the target series, the range of cycles foldings reach, merging targets
 * that fold identically, and the job files, against figures worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseQuant } from '../../generator/cli/main.ts';
import { conv2d, network, pot, randomWeights } from '../../generator/dsl/index.ts';
import { jobFiles, quantArg } from '../../generator/explore/jobs.ts';
import { foldRange, geometricTargets, mergeIdentical, planExplore, type Candidate } from '../../generator/explore/plan.ts';
import { noLocations } from '../../generator/load/locations.ts';
import { loadLaneCosts } from '../../generator/passes/autoFold.ts';
import { compileNetwork, prepareNetwork } from '../../generator/pipeline/buildDesign.ts';

describe('geometricTargets', () => {
  it('spaces targets by equal ratios, both ends exact', () => {
    // sqrt(64 x 13824) = 940.6.
    expect(geometricTargets(64, 13824, 3)).toEqual([64, 941, 13824]);
    // 2592 / 36 = 72; 36 x 72^(1/3) = 149.8, 36 x 72^(2/3) = 623.1.
    expect(geometricTargets(36, 2592, 4)).toEqual([36, 150, 623, 2592]);
  });

  it('drops targets that round to the same cycles', () => {
    // 10 x 1.2^(k/4): 10, 10.47, 10.95, 11.45, 12.
    expect(geometricTargets(10, 12, 5)).toEqual([10, 11, 12]);
  });

  it('one target, or a range of one, is the slowest', () => {
    expect(geometricTargets(36, 2592, 1)).toEqual([2592]);
    expect(geometricTargets(500, 500, 10)).toEqual([500]);
  });
});

const fold = (layer: string, pe: number, simd: number) => ({ layer, pe, simd, lanes: pe * simd, cyclesPerFrame: 1, how: 'auto' });
const candidate = (quant: string, target: number, folding: ReturnType<typeof fold>[]): Candidate => ({ quant, target, folding, cyclesPerFrame: target, estimatedLuts: 0 });

describe('mergeIdentical', () => {
  it('keeps the lowest target of each folding and says where the others went', () => {
    const a = [fold('c', 2, 3), fold('d', 1, 4)];
    const b = [fold('c', 2, 3), fold('d', 1, 2)]; // differs from a in one layer only
    const { kept, merged } = mergeIdentical([candidate('pot-4', 300, a), candidate('pot-4', 200, a), candidate('pot-4', 100, b), candidate('uniform-8', 200, a), candidate('pot-4', 250, a)]);
    expect(kept.map((c) => [c.quant, c.target, c.merged])).toEqual([
      ['pot-4', 200, [250, 300]],
      ['pot-4', 100, []],
      // The same folding of another quantisation is another design.
      ['uniform-8', 200, []],
    ]);
    expect(merged).toEqual([
      { quant: 'pot-4', target: 300, into: 'pot-4_t200' },
      { quant: 'pot-4', target: 250, into: 'pot-4_t200' },
    ]);
  });
});

/** test/explore/fixtures/convAuto.ts as a DSL network. */
function convAuto() {
  return network({
    name: 'conv_auto',
    input: { height: 6, width: 6, channels: 2 },
    weights: randomWeights(3),
    layers: [conv2d({ name: 'conv1', outChannels: 4, kernel: 3, padding: 'same', weights: pot({ bits: 4 }) })],
  });
}

describe('planning on a single conv layer', () => {
  // 6x6 pixels, 4 outputs, a 3x3 window of 2 channels: SIMD 1, 2, 6 (3 taps) or 18 (the window)
  // takes 18, 9, 3 or 1 steps a pixel, and (4 / PE) x steps cycles a pixel.
  const prepared = prepareNetwork(convAuto(), noLocations, '/tmp/conv_auto.ts');

  it('finds the fastest and slowest foldings', () => {
    const { ir } = compileNetwork(prepared);
    // Slowest: PE 1 x SIMD 1, 36 x 4 x 18 = 2592. Fastest: PE 4 x SIMD 18, one cycle a pixel: 36.
    expect(foldRange(ir, prepared.explicitFolding, loadLaneCosts())).toEqual({ fastest: 36, slowest: 2592 });
  });

  it('plans one point per distinct folding and reports unreachable targets', () => {
    const { plan } = planExplore(prepared, { targets: [2592, 150, 20, 600, 144] });
    // 144: (4/PE) x steps <= 4 -> PE 1 x SIMD 18 (18 lanes; 4 x 6 needs 24). 150: the same.
    // 600: (4/PE) x steps <= 16.7 -> PE 1 x SIMD 6 (6 lanes, 432 cycles). 2592: PE 1 x SIMD 1.
    expect(plan.points.map((p) => [p.index, p.label, p.folding.map((f) => `${f.pe}x${f.simd}`).join(), p.cyclesPerFrame])).toEqual([
      [0, 'pot-4_t144', '1x18', 144],
      [1, 'pot-4_t600', '1x6', 432],
      [2, 'pot-4_t2592', '1x1', 2592],
    ]);
    expect(plan.merged).toEqual([{ quant: 'pot-4', target: 150, into: 'pot-4_t144' }]);
    expect(plan.impossible).toHaveLength(1);
    expect(plan.impossible[0]).toMatchObject({ quant: 'pot-4', target: 20 });
    expect(plan.impossible[0]!.reason).toMatch(/at least 36/);
    expect(plan.ranges).toEqual([{ quant: 'pot-4', fastest: 36, slowest: 2592 }]);
  });

  it('makes a series per variant and labels each variant', () => {
    const { plan } = planExplore(prepared, { variants: [{ kind: 'pot', bits: 4 }, { kind: 'uniform', bits: 4, scale: 'channel' }], points: 4 });
    // 36, 150, 623, 2592; 150 folds as 144 would (PE 1 x SIMD 18); 623 as 600 (PE 1 x SIMD 6).
    expect(plan.points.map((p) => p.label)).toEqual(['pot-4_t36', 'pot-4_t150', 'pot-4_t623', 'pot-4_t2592', 'uniform-4-ch_t36', 'uniform-4-ch_t150', 'uniform-4-ch_t623', 'uniform-4-ch_t2592']);
    expect(plan.variants).toEqual(['pot-4', 'uniform-4/ch']);
    expect(plan.targets).toEqual({ series: 4 });
  });

  it('refuses a variant named twice and a plan with nothing reachable', () => {
    expect(() => planExplore(prepared, { variants: [{ kind: 'pot', bits: 4 }, { kind: 'pot', bits: 4 }] })).toThrow(/pot-4 is named twice/);
    expect(() => planExplore(prepared, { targets: [10, 35] })).toThrow(/No target can be reached[\s\S]*pot-4 at 35/);
  });

  it('job files cover every point with the options that made the plan', () => {
    const { plan } = planExplore(prepared, { targets: [144, 600, 2592] });
    const files = jobFiles(plan, { model: 'm.ts', out: 'ex', jobsDir: 'ex', workdir: '/w', args: { variants: [{ kind: 'pot', bits: 4 }], targets: [144, 600, 2592] } });
    expect([...files.keys()]).toEqual(['explore-jobs.json', 'explore.slurm', 'explore-matrix.yml']);
    const slurm = files.get('explore.slurm')!;
    expect(slurm).toMatch(/^#SBATCH --array=0-2$/m);
    expect(slurm).toContain('explore m.ts --out ex --quant pot:4 --targets 144,600,2592 --point "$SLURM_ARRAY_TASK_ID"');
    const yml = files.get('explore-matrix.yml')!;
    expect(yml).toMatch(/^ {8}point: \[0, 1, 2\]$/m);
    expect(yml).toContain('path: ex/points/${{ matrix.label }}/result.json');
    const jobs = JSON.parse(files.get('explore-jobs.json')!);
    expect(jobs.model).toBe('m.ts');
    expect(jobs.points).toEqual([
      { index: 0, label: 'pot-4_t144', quant: 'pot-4', target: 144 },
      { index: 1, label: 'pot-4_t600', quant: 'pot-4', target: 600 },
      { index: 2, label: 'pot-4_t2592', quant: 'pot-4', target: 2592 },
    ]);
  });
});

describe('quantArg', () => {
  it('spells a variant so that --quant reads it back', () => {
    for (const text of ['pot:4', 'pot:3:prune50', 'pot:5:logic', 'uniform:8', 'uniform:4:channel', 'uniform:6:pow2:rom']) {
      const q = parseQuant(text);
      expect(parseQuant(quantArg(q))).toEqual(q);
    }
    expect(quantArg(parseQuant('uniform:8'))).toBe('uniform:8:layer');
  });
});
