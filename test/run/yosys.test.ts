import { describe, expect, it } from 'vitest';
import { ToolError } from '../../generator/core/errors.ts';
import { countCoarseCells, synthesiseXilinx } from '../../generator/run/yosys.ts';

const TIMEOUT = 60_000;

const ADDER = `
module add8 (
  input  wire       clk,
  input  wire [7:0] a,
  input  wire [7:0] b,
  output reg  [8:0] s
);
  always @(posedge clk) s <= a + b;
endmodule
`;

const MULTIPLIER = `
module mul16 (
  input  wire               clk,
  input  wire signed [15:0] a,
  input  wire signed [15:0] b,
  output reg  signed [31:0] p
);
  always @(posedge clk) p <= a * b;
endmodule
`;

const LATCH = `
module latchy (
  input  wire       en,
  input  wire [3:0] d,
  output reg  [3:0] q
);
  always @* begin
    if (en) q = d;
  end
endmodule
`;

const BROKEN = `
module broken (
  input  wire a,
  output wire b
);
  assign b = a +;
endmodule
`;

const SHIFTER = `
module shifter (
  input  wire        clk,
  input  wire [15:0] x,
  input  wire [3:0]  k,
  output reg  [31:0] y
);
  always @(posedge clk) y <= {16'd0, x} << k;
endmodule
`;

describe('synthesiseXilinx', () => {
  it(
    'maps a registered 8-bit adder onto LUTs, carry cells and flip-flops without DSPs or latches',
    async () => {
      const r = await synthesiseXilinx({ 'add8.v': ADDER }, 'add8');
      expect(r.top).toBe('add8');
      expect(r.luts).toBeGreaterThan(0);
      expect(r.carry).toBeGreaterThan(0);
      expect([8, 9]).toContain(r.flipFlops);
      expect(r.dsp).toBe(0);
      expect(r.bram).toBe(0);
      expect(r.latches).toBe(0);
      expect(Object.keys(r.cells)).toEqual(Object.keys(r.cells).sort());
      expect(r.seconds).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'maps a registered 16x16 signed multiply onto a DSP48E2',
    async () => {
      const files = { 'mul16.v': MULTIPLIER };
      const r = await synthesiseXilinx(files, 'mul16');
      expect(r.dsp).toBeGreaterThanOrEqual(1);
      expect(r.cells['DSP48E2']).toBe(r.dsp);
      expect(r.latches).toBe(0);

      const coarse = await countCoarseCells(files, 'mul16');
      expect(coarse['$mul'] ?? 0).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );

  it(
    'reports a latch from a combinational always block with an incomplete if',
    async () => {
      const r = await synthesiseXilinx({ 'latchy.v': LATCH }, 'latchy');
      expect(r.latches).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );

  it(
    'rejects a syntax error with a ToolError naming the top and quoting the Yosys error',
    async () => {
      const attempt = synthesiseXilinx({ 'broken.v': BROKEN }, 'broken');
      await expect(attempt).rejects.toBeInstanceOf(ToolError);
      const error = (await attempt.catch((e: unknown) => e)) as ToolError;
      expect(error.message).toContain("'broken'");
      expect(error.message).toMatch(/broken\.v:6: ERROR: syntax error/);
    },
    TIMEOUT,
  );

  it(
    'rejects a missing top module with a ToolError',
    async () => {
      const attempt = synthesiseXilinx({ 'add8.v': ADDER }, 'nonexistent');
      await expect(attempt).rejects.toThrow(/'nonexistent'[\s\S]*ERROR/);
    },
    TIMEOUT,
  );
});

describe('countCoarseCells', () => {
  it(
    'finds no multiplier in a shift-by-variable module',
    async () => {
      const cells = await countCoarseCells({ 'shifter.v': SHIFTER }, 'shifter');
      expect(cells['$mul'] ?? 0).toBe(0);
      expect((cells['$shl'] ?? 0) + (cells['$sshl'] ?? 0) + (cells['$shift'] ?? 0)).toBeGreaterThanOrEqual(1);
      expect(Object.keys(cells)).toEqual(Object.keys(cells).sort());
    },
    TIMEOUT,
  );

  it(
    'rejects a syntax error with a ToolError naming the top',
    async () => {
      await expect(countCoarseCells({ 'broken.v': BROKEN }, 'broken')).rejects.toThrow(
        /'broken'[\s\S]*syntax error/,
      );
    },
    TIMEOUT,
  );
});
