/**
 * The board shell `<design>_dma` as AXI DMA drives it (tb/<design>_dma_tb.v): whole-byte beats
 * with random padding in, batches of frames ended by the host's tlast, zero-padded beats out with
 * tlast only at each batch's end. Bit-exact against the golden vectors, lint-clean, and the bench
 * fails when the shell is broken in each way that matters to a DMA transfer.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pot } from '../../generator/dsl/index.ts';
import { runTool } from '../../generator/run/tools.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

function mutate(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text.split(from).length - 1, `${path.basename(file)} must contain the text to break exactly once`).toBe(1);
  writeFileSync(file, text.replace(from, to));
}

const dir = tempDir('potgen-shell-');

/** Designs whose streams pad differently, and one whose output frame ends before its input frame does. */
const DESIGNS = {
  // 3 x 8 = 24 input bits in 4 bytes; 4 x 8 = 32 output bits, no padding.
  rgb: convNetwork('rgb', { height: 6, width: 6, channels: 3 }, { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 3, weights: pot({ bits: 4 }) }),
  // 1 x 8 input bits, no padding; 3 signed 5-bit channels = 15 bits out in 2 bytes.
  signed: convNetwork('sgn', { height: 5, width: 5, channels: 1 }, { outChannels: 3, kernel: 3, padding: 'same', pe: 3, simd: 1, activation: 'none', activationBits: 5, weights: pot({ bits: 4 }) }),
  // Kernel 2, stride 4 on 12 x 12: the last two rows and columns are never used, so each output frame
  // ends before its input frame has.
  strided: convNetwork('strided', { height: 12, width: 12, channels: 1 }, { outChannels: 2, kernel: 2, stride: 4, pe: 2, simd: 1, weights: pot({ bits: 4 }) }),
} as const;

const built = Object.fromEntries(Object.entries(DESIGNS).map(([name, net]) => [name, buildInto(dir, net)])) as Record<keyof typeof DESIGNS, ReturnType<typeof buildInto>>;

function outBeats(name: keyof typeof DESIGNS): number {
  const r = built[name];
  const last = r.hw.layers[r.hw.layers.length - 1]!;
  return r.images.length * last.output.height * last.output.width;
}

async function variant(name: keyof typeof DESIGNS, tag: string, change: (d: string) => void) {
  const d = path.join(dir, `${name}-${tag}`);
  cpSync(built[name].out, d, { recursive: true });
  change(d);
  return await simulate(d, { shell: true });
}

describe.concurrent('board shell under DMA-like traffic', () => {
  for (const name of Object.keys(DESIGNS) as (keyof typeof DESIGNS)[]) {
    it(`${name}: every beat, its padding and tlast at each batch end`, async () => {
      const sim = await simulate(built[name].out, { shell: true });
      expect(sim.log).toContain(`${outBeats(name)} passed, 0 failed`);
      expect(sim.ok).toBe(true);
    });

    it(`${name}: lint-clean under Verilator -Wall`, async () => {
      const m = JSON.parse(readFileSync(path.join(built[name].out, 'potgen.json'), 'utf8')) as { rtl: string[]; shell: { top: string; rtl: string[] } };
      const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', m.shell.top, ...m.rtl, ...m.shell.rtl], built[name].out);
      expect(r.stderr + r.stdout).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('the input beats carry padding the shell must ignore, and the output padding is checked', () => {
    expect(built.rgb.plan.get('rtl/rgb_dma.v')).toContain('input  wire [31:0]  s_axis_tdata,  // bits above 23 are padding');
    expect(built.signed.plan.get('rtl/sgn_dma.v')).toContain("assign m_axis_tdata = { 1'd0, out_data };");
  });
});

describe.concurrent('the shell bench fails when the shell is broken', () => {
  it('tlast on every frame instead of the batch end', async () => {
    const sim = await variant('rgb', 'framelast', (d) => mutate(path.join(d, 'rtl/potgen_axis_batch.v'), 'assign host_out_last    = design_out_last && marks[rd_ptr];', 'assign host_out_last    = design_out_last;'));
    expect(sim.log).toMatch(/^error: frame 1 beat 35: expected tlast=0 data=[0-9a-f]+, got tlast=1/m);
    expect(sim.ok).toBe(false);
    expect(sim.exitCode).not.toBe(0);
  });

  it('padding bits read as data', async () => {
    const sim = await variant('rgb', 'padin', (d) => mutate(path.join(d, 'rtl/rgb_dma.v'), '.s_axis_tdata  (s_axis_tdata[23:0]),', '.s_axis_tdata  (s_axis_tdata[31:8]),'));
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  });

  it('output padding not zero', async () => {
    const sim = await variant('signed', 'padout', (d) => mutate(path.join(d, 'rtl/sgn_dma.v'), "{ 1'd0, out_data }", "{ 1'd1, out_data }"));
    expect(sim.failed).toBe(outBeats('signed'));
    expect(sim.exitCode).not.toBe(0);
  });

  it('an output frame that ends before its input frame does not wait for its mark', async () => {
    const sim = await variant('strided', 'nowait', (d) => mutate(path.join(d, 'rtl/potgen_axis_batch.v'), 'wire out_open  = !design_out_last || head_ok;', "wire out_open  = 1'b1;"));
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  });
});
