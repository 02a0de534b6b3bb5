// The netlist simulator holds a synthesised network to the reference model at every layer
// boundary, not only at its output, and names the first layer whose stream goes wrong.
import { describe, expect, it } from 'vitest';
import { conv2d, maxPool2d, network, pot, randomWeights } from '../generator/dsl/index.ts';
import { simulateNetlistActivity } from '../generator/energy/netsim/activityRun.ts';
import { BLOCK_MODELS } from '../generator/energy/netsim/models.ts';
import type { YosysJson } from '../generator/energy/yosysJson.ts';
import { readManifest, readRtlFiles } from '../generator/run/manifest.ts';
import { synthesiseXilinx } from '../generator/run/yosys.ts';
import { buildInto, tempDir } from './support/designs.ts';

const NET = network({
  name: 'links',
  input: { height: 10, width: 10, channels: 1 },
  weights: randomWeights(11),
  layers: [
    conv2d({ name: 'c1', outChannels: 4, kernel: 3, pe: 4 }),
    maxPool2d({ name: 'p1', kernel: 2 }),
    conv2d({ name: 'c2', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 4, weights: pot({ bits: 3 }) }),
  ],
});

describe('netsim checks the streams between layers', () => {
  it('passes the netlist as synthesised, and names the pooling layer when its input wires are crossed', async () => {
    const built = buildInto(tempDir(), NET, { steadyFrames: 2, stressFrames: 0 });
    const manifest = readManifest(built.out);
    const synthesis = await synthesiseXilinx(readRtlFiles(built.out, manifest), manifest.top, { netlist: 'json' });
    const netlist = JSON.parse(synthesis.netlist.json) as YosysJson;

    const run = simulateNetlistActivity(built.out, manifest, netlist, BLOCK_MODELS);
    // Two frames checked (warm-up and measured) on c1's 8x8 and p1's 4x4 streams and c2's 4x4 output.
    expect(run.beatsChecked).toBe(2 * (64 + 16 + 16));
    expect(run.cycles).toBe(manifest.cyclesPerFrame);

    // Cross two data wires between c1 and p1: c1's own stream (link1) stays right, p1's goes wrong.
    const top = netlist.modules[manifest.top]!;
    const pool = top.cells!.u_p1!;
    const bits = [...pool.connections.s_axis_tdata!];
    [bits[0], bits[8]] = [bits[8]!, bits[0]!];
    const crossed: YosysJson = {
      modules: { ...netlist.modules, [manifest.top]: { ...top, cells: { ...top.cells, u_p1: { ...pool, connections: { ...pool.connections, s_axis_tdata: bits } } } } },
    };
    expect(() => simulateNetlistActivity(built.out, manifest, crossed, BLOCK_MODELS)).toThrow(/differs from the reference model in \d+ beat\(s\) \(\d+ passed, output and inner streams\): p1's output, frame 0 pixel \d+: expected/);
  }, 300_000);
});
