import { describe, expect, it } from 'vitest';
import { ToolError } from '../../generator/core/errors.ts';
import { countCoarseCells, synthesiseXilinx } from '../../generator/run/yosys.ts';
import { liveYosysWorkers, runYosysInWorker, YosysExit } from '../../generator/run/yosys-worker.ts';

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

/** Ticks every 10 ms while `work` runs and returns its result with the largest gap between ticks. */
async function largestTickGap<T>(work: () => Promise<T>): Promise<{ result: T; gapMs: number; ticks: number; seconds: number }> {
  const started = performance.now();
  let last = started;
  let gapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
    ticks += 1;
  }, 10);
  try {
    const result = await work();
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    return { result, gapMs, ticks, seconds: (now - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

/** Resolves once every Yosys Worker has exited (they exit just after reporting). */
async function workersGone(): Promise<number> {
  for (let i = 0; i < 200 && liveYosysWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return liveYosysWorkers();
}

describe('Yosys off the event loop', () => {
  it(
    'keeps the caller\'s event loop free while a synthesis runs for seconds',
    async () => {
      // In-process, the WebAssembly blocked the thread for the whole run: the gap was the run time.
      const { result, gapMs, ticks, seconds } = await largestTickGap(() =>
        synthesiseXilinx({ 'mul16.v': MULTIPLIER }, 'mul16'),
      );
      expect(result.dsp).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeGreaterThan(1);
      expect(ticks).toBeGreaterThan(seconds * 20);
      expect(gapMs).toBeLessThan(200);
    },
    TIMEOUT,
  );

  it(
    'runs two syntheses at once, each in a worker of its own that is gone afterwards',
    async () => {
      expect(await workersGone()).toBe(0);
      let most = 0;
      const timer = setInterval(() => (most = Math.max(most, liveYosysWorkers())), 10);
      const [adder, latch] = await Promise.all([
        synthesiseXilinx({ 'add8.v': ADDER }, 'add8'),
        synthesiseXilinx({ 'latchy.v': LATCH }, 'latchy'),
      ]).finally(() => clearInterval(timer));
      expect(adder.top).toBe('add8');
      expect(adder.latches).toBe(0);
      expect(latch.top).toBe('latchy');
      expect(latch.latches).toBeGreaterThanOrEqual(1);
      expect(most).toBe(2);
      expect(await workersGone()).toBe(0);
    },
    2 * TIMEOUT,
  );

  it(
    'passes Uint8Array and string files in, and brings text files and Uint8Array log chunks back',
    async () => {
      const log: Uint8Array[] = [];
      const out = await runYosysInWorker(
        ['-p', 'read_verilog src/add8.v; read_verilog shifter.v; hierarchy -top add8; write_verilog -noattr out.v'],
        { src: { 'add8.v': new TextEncoder().encode(ADDER) }, 'shifter.v': SHIFTER },
        { stdout: (bytes) => log.push(bytes) },
      );
      expect(typeof out['out.v']).toBe('string');
      expect(out['out.v']).toMatch(/module add8/);
      expect(out['shifter.v']).toBe(SHIFTER);
      expect(log.length).toBeGreaterThan(0);
      expect(log.every((chunk) => chunk instanceof Uint8Array)).toBe(true);
      const text = new TextDecoder().decode(Buffer.concat(log));
      expect(text).toMatch(/Executing Verilog-2005 frontend: src\/add8\.v/);
      expect(text).toMatch(/End of script/);
      expect(await workersGone()).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'rejects a failing run with YosysExit carrying Yosys\'s status and files',
    async () => {
      const attempt = runYosysInWorker(['-p', 'read_verilog broken.v'], { 'broken.v': BROKEN });
      const error = (await attempt.catch((e: unknown) => e)) as YosysExit;
      expect(error).toBeInstanceOf(YosysExit);
      expect(error.code).toBe(1);
      expect(error.message).toBe('Exited with status 1');
      expect(error.files['broken.v']).toBe(BROKEN);
      expect(await workersGone()).toBe(0);
    },
    TIMEOUT,
  );
});
