/**
 * Uniform weights with real scales (per layer and per channel), requantised through a fixed-point
 * multiplier: small conv and dense networks simulated under Icarus against the reference model,
 * and the bench failing when a multiplier or the rounding after the multiply is broken.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argmax, conv2d, dense, flatten, maxPool2d, network, randomWeights, uniform } from '../../generator/dsl/index.ts';
import type { RawLayer } from '../../generator/dsl/types.ts';
import type { ConvHW } from '../../generator/layers/convEngine.ts';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, tempDir } from '../support/designs.ts';

const small = (name: string, input: [number, number, number], layers: RawLayer[]) =>
  network({ name, input: { height: input[0], width: input[1], channels: input[2] }, weights: randomWeights(5), layers });

const convNet = (scale: 'layer' | 'channel') =>
  small(`u4conv_${scale}`, [8, 8, 2], [
    conv2d({ name: 'c1', outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2, weights: uniform({ bits: 4, scale }) }),
    maxPool2d({ name: 'p', kernel: 2 }),
    conv2d({ name: 'c2', outChannels: 6, kernel: 3, pe: 3, simd: 4, weights: uniform({ bits: 4, scale }) }),
  ]);

const denseNet = (scale: 'layer' | 'channel') =>
  small(`u4dense_${scale}`, [4, 4, 3], [
    flatten(),
    dense({ name: 'fc1', outFeatures: 8, pe: 4, simd: 3, weights: uniform({ bits: 4, scale }) }),
    dense({ name: 'fc2', outFeatures: 6, pe: 2, simd: 8, weights: uniform({ bits: 4, scale }), activation: 'none' }),
    argmax(),
  ]);

describe('uniform weights with a real scale, under Icarus', () => {
  const dir = tempDir();
  const nets = [convNet('layer'), convNet('channel'), denseNet('layer'), denseNet('channel')];
  it.each(nets.map((n) => [n.name, n] as const))('%s matches the reference model bit for bit', async (_, net) => {
    const built = buildInto(dir, net, { steadyFrames: 3, stressFrames: 3 });
    const weighted = built.hw.layers.filter((l): l is ConvHW => l.kind === 'conv2d' || l.kind === 'dense');
    for (const l of weighted) {
      expect(l.multipliers.length).toBe(l.output.channels);
      expect(l.widths.multiplier).toBeGreaterThan(0);
      // A layer scale gives one multiplier; per channel they differ.
      expect(new Set(l.multipliers).size === 1).toBe(net.name.endsWith('_layer'));
    }
    const sim = await simulate(built.out);
    const last = built.hw.layers.at(-1)!;
    const beats = 6 * last.output.height * last.output.width;
    expect(sim.log).toContain(`${beats + 2} passed, 0 failed`);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame, built.hw.cyclesPerFrame]);
    expect((await lint(built.out)).log).toBe('');
  });

  describe('the bench fails when the multiplier path is wrong', () => {
    const good = buildInto(dir, convNet('channel'), { steadyFrames: 2, stressFrames: 2 });
    const variant = async (name: string, file: string, from: RegExp | string, to: (m: string) => string) => {
      const d = path.join(dir, name);
      cpSync(good.out, d, { recursive: true });
      const target = path.join(d, 'rtl', file);
      const text = readFileSync(target, 'utf8');
      expect(text.split(from).length - 1, `${file} must contain the text to break once`).toBe(1);
      writeFileSync(target, text.replace(from, to));
      return await simulate(d);
    };

    it('passes unmodified', async () => {
      expect((await simulate(good.out)).exitCode).toBe(0);
    });

    it('fails when a multiplier in the bias ROM is changed', async () => {
      // The word's top hex digit holds the high bits of the last lane's multiplier.
      const sim = await variant('m_rom', 'u4conv_channel_c1_bias.v', /1'd0: q <= \d+'h[0-9a-f]/, (m) => m.slice(0, -1) + (parseInt(m.slice(-1), 16) ^ 1).toString(16));
      expect(sim.failed).toBeGreaterThan(0);
      expect(sim.exitCode).not.toBe(0);
    });

    it('fails when the rounding offset after the multiply is dropped', async () => {
      const sim = await variant('round', 'potgen_conv_layer.v', 'b_ext * m_ext + round_c', () => 'b_ext * m_ext');
      expect(sim.failed).toBeGreaterThan(0);
      expect(sim.exitCode).not.toBe(0);
    });
  });
});
