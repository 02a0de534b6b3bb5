/**
 * The VCD reader on hand-written VCD text with hand-counted toggles and durations. A VCD written
 * by Verilator is read in energyVerilator.slow.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVcdActivity, type Activity, type SignalActivity } from '../generator/energy/vcd.ts';
import { EnergyInputError } from '../generator/energy/errors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'potgen-energy-vcd-'));

function vcdFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function signal(a: Activity, name: string): SignalActivity {
  const s = a.signals.find((x) => x.name === name);
  if (!s) throw new Error(`no signal ${name} in ${a.signals.map((x) => x.name).join(', ')}`);
  return s;
}

// clk: 0 @0, 1 @10, 0 @20, 1 @30, 0 @40. bus [7:0]: 0, 0b101 @10, 0xff @20, 0 @30.
// rev [0:3]: x, 1100 @10, 10z0 @20. w: x, 1 @10, 0 @20, 1 then 0 again @25 (no net change).
// c aliases clk (same identifier code).
const HAND = `$date today $end
$version hand written $end
$timescale
  1 ns
$end
$scope module top $end
$var wire 1 ! clk $end
$var wire 8 " bus [7:0] $end
$var wire 4 # rev [0:3] $end
$scope module sub $end
$var wire 1 ! c $end
$var wire 1 $ w $end
$upscope $end
$upscope $end
$enddefinitions $end
$comment
  a comment over
  two lines $end
#0
$dumpvars
0!
b0 "
bx #
x$
$end
#10
1!
b101 "
b1100 #
1$
#20
0!
b11111111 "
b10z0 #
0$
#25
1$
0$
#30
1!
b0 "
#40
0!
`;

const bit = (toggles: number, t0: number, t1: number, tx: number) => ({ toggles, t0, t1, tx });

describe('readVcdActivity on hand-written VCD', () => {
  const file = vcdFile('hand.vcd', HAND);

  it('counts toggles and durations over the whole file', async () => {
    const a = await readVcdActivity(file);
    expect([a.secondsPerUnit, a.start, a.end]).toEqual([1e-9, 0, 40]);
    expect(a.signals.map((s) => s.name)).toEqual(['top.clk', 'top.bus', 'top.rev', 'top.sub.c', 'top.sub.w']);
    expect(signal(a, 'top.clk').bits).toEqual([bit(4, 20, 20, 0)]);
    const bus = signal(a, 'top.bus');
    expect([bus.width, bus.msb, bus.lsb]).toEqual([8, 7, 0]);
    expect(bus.bits[0]).toEqual(bit(2, 20, 20, 0));
    expect(bus.bits[1]).toEqual(bit(2, 30, 10, 0));
    expect(bus.bits[2]).toEqual(bit(2, 20, 20, 0));
    expect(bus.bits[7]).toEqual(bit(2, 30, 10, 0));
    // [0:3]: bits[0] is the last character, the declared index 3.
    const rev = signal(a, 'top.rev');
    expect([rev.width, rev.msb, rev.lsb]).toEqual([4, 0, 3]);
    expect(rev.bits).toEqual([bit(0, 30, 0, 10), bit(0, 10, 0, 30), bit(1, 20, 10, 10), bit(0, 0, 30, 10)]);
    // The alias shares the clock's activity; w's double write at #25 is no toggle.
    expect(signal(a, 'top.sub.c').bits).toEqual([bit(4, 20, 20, 0)]);
    expect(signal(a, 'top.sub.w').bits).toEqual([bit(1, 20, 10, 10)]);
    expect(signal(a, 'top.sub.w').scope).toEqual(['top', 'sub']);
    for (const s of a.signals) for (const b of s.bits) expect(b.t0 + b.t1 + b.tx).toBe(a.end - a.start);
  });

  it('starts a window inside a run: the earlier values set the state, and only later changes toggle', async () => {
    const a = await readVcdActivity(file, { start: 15, end: 35 });
    expect([a.start, a.end]).toEqual([15, 35]);
    expect(signal(a, 'top.clk').bits).toEqual([bit(2, 10, 10, 0)]);
    expect(signal(a, 'top.bus').bits[1]).toEqual(bit(2, 10, 10, 0));
    expect(signal(a, 'top.sub.w').bits).toEqual([bit(1, 15, 5, 0)]);
    expect(signal(a, 'top.rev').bits[1]).toEqual(bit(0, 5, 0, 15));
  });

  it('does not count a change at the window start, but counts one at the window end', async () => {
    const a = await readVcdActivity(file, { start: 10, end: 30 });
    expect(signal(a, 'top.clk').bits).toEqual([bit(2, 10, 10, 0)]);
    // bus bit 0 goes 0 -> 1 at 10 (the start: not counted) and 1 -> 0 at 30 (the end: counted).
    expect(signal(a, 'top.bus').bits[0]).toEqual(bit(1, 0, 20, 0));
  });

  it('keeps only the signals under a scope', async () => {
    const a = await readVcdActivity(file, { scope: 'top.sub' });
    expect(a.signals.map((s) => s.name)).toEqual(['top.sub.c', 'top.sub.w']);
    expect(signal(a, 'top.sub.c').bits).toEqual([bit(4, 20, 20, 0)]);
  });

  it('names the file and line of a malformed value change', async () => {
    const bad = vcdFile('bad.vcd', HAND.replace('b101 "', 'b1q1 "'));
    await expect(readVcdActivity(bad)).rejects.toThrow(new EnergyInputError(`${bad}:28: 'b1q1 "' holds a digit that is not 0, 1, x or z.`));
  });

  it('rejects a missing file and an empty window with a sentence', async () => {
    const missing = path.join(dir, 'missing.vcd');
    await expect(readVcdActivity(missing)).rejects.toThrow(`Cannot read the VCD file ${missing}: it does not exist.`);
    await expect(readVcdActivity(file, { start: 20, end: 20 })).rejects.toThrow(`The activity window of ${file} is empty: end 20 is not after start 20.`);
  });
});
