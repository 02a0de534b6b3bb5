/**
 * The testbench can fail: a changed golden value, a broken line of generated or library RTL, a
 * slower design, missing vectors and a hung design each make `vvp -N` exit non-zero.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pot, uniform } from '../../generator/dsl/index.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

/** Replaces exactly one occurrence of `from` in a file; fails the test if it is not there once. */
function mutate(file: string, from: string | RegExp, to: string | ((match: string) => string)): void {
  const text = readFileSync(file, 'utf8');
  const matches = text.split(from).length - 1;
  expect(matches, `${path.basename(file)} must contain the text to break exactly once`).toBe(1);
  writeFileSync(file, typeof to === 'string' ? text.replace(from, to) : text.replace(from, to));
}

/** Flips the lowest bit of the last hex digit of a match. */
function flipLastDigit(match: string): string {
  return match.slice(0, -1) + (parseInt(match.slice(-1), 16) ^ 1).toString(16);
}

describe('the testbench fails when something is wrong', () => {
  const dir = tempDir();
  const good = buildInto(dir, convNetwork('mut', { height: 6, width: 6, channels: 2 }, { outChannels: 4, kernel: 3, padding: 'same', pe: 2, simd: 2, weights: pot({ bits: 4 }) }));
  const outBeats = 4 * 6 * 6;

  async function variant(name: string, change: (d: string) => void) {
    const d = path.join(dir, name);
    cpSync(good.out, d, { recursive: true });
    change(d);
    return await simulate(d);
  }

  it('passes unmodified', async () => {
    const sim = await simulate(good.out);
    expect(sim.log).toContain(`${outBeats + 1} passed, 0 failed`);
    expect(sim.exitCode).toBe(0);
  });

  it('fails when one golden value is changed', async () => {
    const sim = await variant('golden', (d) => {
      const file = path.join(d, 'tb/expected.hex');
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[7] = flipLastDigit(lines[7]!);
      writeFileSync(file, lines.join('\n'));
    });
    expect(sim.log).toMatch(/^error: frame 0 pixel 7: expected tlast=0 data=[0-9a-f]+, got tlast=0 data=[0-9a-f]+$/m);
    expect(sim.log).toContain(`${outBeats} passed, 1 failed`);
    expect(sim.exitCode).not.toBe(0);
    expect(sim.ok).toBe(false);
  });

  it('fails when a word of the generated weight ROM is changed', async () => {
    const sim = await variant('rom', (d) =>
      mutate(path.join(d, 'rtl/mut_conv_weights.v'), /5'd3: q <= 16'h[0-9a-f]{4}/, flipLastDigit),
    );
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  });

  it('fails when the accumulator subtracts instead of adding', async () => {
    const sim = await variant('acc', (d) =>
      mutate(path.join(d, 'rtl/potgen_conv_layer.v'), 'base + term', 'base - term'),
    );
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  });

  it("fails when the accumulator drops the dot array's carry (the + 1 of negated PoT products)", async () => {
    const sim = await variant('carry', (d) =>
      mutate(path.join(d, 'rtl/potgen_conv_layer.v'), 'carry = !zd && carries[li];', "carry = 1'b0;"),
    );
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  });

  it('fails on cycles per frame alone when the line buffer is too small to keep the input streaming', async () => {
    const sim = await variant('slow', (d) => mutate(path.join(d, 'rtl/mut_conv.v'), /\.R\(\d+\)/, '.R(3)'));
    // Every output is still right; only the measured cycles per frame differ from the analytic figure.
    expect(sim.log).toContain(`${outBeats} passed, 1 failed`);
    expect(sim.measuredCyclesPerFrame[0]).not.toBe(good.hw.cyclesPerFrame);
    expect(sim.exitCode).not.toBe(0);
  });

  it('fails when the golden vectors are missing', async () => {
    const sim = await variant('missing', (d) => rmSync(path.join(d, 'tb/expected.hex')));
    expect(sim.log).toContain('error: expected vectors did not load from expected.hex');
    expect(sim.exitCode).not.toBe(0);
  });

  it('fails through the watchdog when the design never answers', async () => {
    const sim = await variant('hung', (d) =>
      mutate(path.join(d, 'rtl/potgen_axis_fifo.v'), "assign m_valid = used != {(AW + 1){1'b0}};", "assign m_valid = 1'b0;"),
    );
    expect(sim.log).toMatch(/^error: watchdog: 0 of 144 beats after \d+ cycles$/m);
    expect(sim.log).toContain('0 passed, 144 failed');
    expect(sim.exitCode).not.toBe(0);
  });
});

describe('the testbench fails when weights fixed into logic are wrong', () => {
  const dir = tempDir();
  // The whole 3x3 window of 2 channels in one step: both signs, several shifts, padded taps. Signed
  // 16-bit outputs with no requantisation shift (and no multiplier: a power-of-two scale) show the
  // accumulator whole, so an error of 1 shows.
  const layer = { outChannels: 4, kernel: 3, padding: 'same', pe: 4, simd: 18, weightStorage: 'logic', activation: 'none', activationBits: 16, shift: 0 } as const;
  const designs = {
    pot: buildInto(dir, convNetwork('lpot', { height: 6, width: 6, channels: 2 }, { ...layer, weights: pot({ bits: 4 }) })),
    uniform: buildInto(dir, convNetwork('luni', { height: 6, width: 6, channels: 2 }, { ...layer, weights: uniform({ bits: 8, scale: 'pow2' }) })),
  };
  const cases = ['pot', 'uniform'] as const;
  type Which = (typeof cases)[number];

  async function variant(which: Which, name: string, change: (d: string) => void) {
    const d = path.join(dir, `${which}-${name}`);
    cpSync(designs[which].out, d, { recursive: true });
    change(d);
    return await simulate(d);
  }
  const dot = (d: string, which: Which): string => path.join(d, `rtl/${which === 'pot' ? 'lpot' : 'luni'}_conv_dot.v`);
  const wrapper = (d: string, which: Which): string => path.join(d, `rtl/${which === 'pot' ? 'lpot' : 'luni'}_conv.v`);
  /** Changes the first line matching `line` (there must be one) by `change`. */
  function mutateFirstLine(file: string, line: RegExp, change: (text: string) => string): void {
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => line.test(l));
    expect(at, `${path.basename(file)} must have a line to break`).toBeGreaterThanOrEqual(0);
    const changed = change(lines[at]!);
    expect(changed).not.toBe(lines[at]);
    lines[at] = changed;
    writeFileSync(file, lines.join('\n'));
  }
  const expectCaught = (sim: Awaited<ReturnType<typeof simulate>>): void => {
    expect(sim.failed).toBeGreaterThan(0);
    expect(sim.exitCode).not.toBe(0);
  };

  it.each(cases)('%s: passes unmodified', async (which) => {
    const sim = await simulate(designs[which].out);
    expect(sim.log).toContain(`${4 * 36 + 1} passed, 0 failed`);
    expect(sim.exitCode).toBe(0);
  });

  it.each(cases)('%s: fails when one adder of the tree subtracts instead of adding', async (which) => {
    expectCaught(await variant(which, 'adder', (d) => mutateFirstLine(dot(d, which), /^ {8}p\d+_l\d+_\d+ <= .* \+ /, (l) => l.replace(' + ', ' - '))));
  });

  it.each(cases)('%s: fails when one sum of terms of different shifts is one place off', async (which) => {
    // {high part + shifted term, low bits passed through} << 1: every term in it one place too far.
    expectCaught(
      await variant(which, 'shift', (d) => mutateFirstLine(dot(d, which), /^ {8}p\d+_l\d+_\d+ <= \{.* [+-] .*\};$/, (l) => l.replace(/ <= (.*);$/, ' <= ($1) << 1;'))),
    );
  });

  it.each(cases)('%s: fails when the constant carries (the + 1 of negated sums) are wrong', async (which) => {
    expectCaught(
      await variant(which, 'carry', (d) =>
        mutateFirstLine(dot(d, which), /^ {4}assign carries = 4'b[01]{4};$/, (l) => l.replace(/[01]{4};$/, (bits) => `${[...bits.slice(0, 4)].map((b) => (b === '1' ? '0' : '1')).join('')};`)),
      ),
    );
  });

  it.each(cases)('%s: fails when the conv layer expects the trees one cycle early', async (which) => {
    expectCaught(await variant(which, 'latency', (d) => mutateFirstLine(wrapper(d, which), /\.DL\(\d+\)/, (l) => l.replace(/\.DL\((\d+)\)/, (_, n: string) => `.DL(${Number(n) - 1})`))));
  });
});
