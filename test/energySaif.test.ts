/** The SAIF writer: its grammar, bit names, escapes, durations and determinism, on hand-made activity. */
import { describe, expect, it } from 'vitest';
import { writeSaif, escapeSaif } from '../generator/energy/saif.ts';
import type { Activity, SignalActivity } from '../generator/energy/vcd.ts';
import { POTGEN_VERSION } from '../generator/core/paths.ts';

const b = (toggles: number, t0: number, t1: number, tx: number) => ({ toggles, t0, t1, tx });

function sig(scope: string[], ref: string, bits: SignalActivity['bits'], range?: [number, number]): SignalActivity {
  return { name: [...scope, ref].join('.'), width: bits.length, bits, scope, ref, ...(range ? { msb: range[0], lsb: range[1] } : {}) };
}

const ACTIVITY: Activity = {
  secondsPerUnit: 1e-12,
  start: 1000,
  end: 81000,
  signals: [
    sig(['TOP', 'tb'], 'clk', [b(16, 40000, 40000, 0)]),
    sig(['TOP', 'tb', 'dut'], 'q', [b(8, 40000, 40000, 0), b(4, 50000, 30000, 0)], [1, 0]),
    sig(['TOP', 'tb', 'dut'], 'rev', [b(1, 80000, 0, 0), b(0, 0, 0, 80000)], [2, 3]),
    sig(['TOP', 'tb', 'dut', '$abc$12$auto.cc:5$7'], 'O', [b(3, 70000, 10000, 0)]),
    sig(['TOP', 'tb', 'dut', 'u_a'], 'acc', [b(2, 60000, 20000, 0), b(0, 80000, 0, 0)]),
    sig(['TOP', 'tb', 'dut'], 'en', [b(1, 10000, 70000, 0)]),
  ],
};

describe('writeSaif', () => {
  it('writes the SAIF 2.0 backward grammar with escaped names and the window as DURATION', () => {
    const text = writeSaif(ACTIVITY, { design: 'cnt2', instance: 'TOP.tb.dut', date: 'Thu Jan  1 00:00:00 2026' });
    expect(text).toBe(`(SAIFILE
(SAIFVERSION "2.0")
(DIRECTION "backward")
(DESIGN "cnt2")
(DATE "Thu Jan  1 00:00:00 2026")
(VENDOR "potgen")
(PROGRAM_NAME "potgen energy")
(VERSION "${POTGEN_VERSION}")
(DIVIDER / )
(TIMESCALE 1 ps)
(DURATION 80000)
(INSTANCE TOP
  (INSTANCE tb
    (INSTANCE dut
      (NET
        (en (T0 10000) (T1 70000) (TX 0) (TC 1) (IG 0))
        (q\\[0\\] (T0 40000) (T1 40000) (TX 0) (TC 8) (IG 0))
        (q\\[1\\] (T0 50000) (T1 30000) (TX 0) (TC 4) (IG 0))
        (rev\\[2\\] (T0 0) (T1 0) (TX 80000) (TC 0) (IG 0))
        (rev\\[3\\] (T0 80000) (T1 0) (TX 0) (TC 1) (IG 0))
      )
      (INSTANCE \\$abc\\$12\\$auto\\.cc\\:5\\$7
        (NET
          (O (T0 70000) (T1 10000) (TX 0) (TC 3) (IG 0))
        )
      )
      (INSTANCE u_a
        (NET
          (acc\\[0\\] (T0 60000) (T1 20000) (TX 0) (TC 2) (IG 0))
          (acc\\[1\\] (T0 80000) (T1 0) (TX 0) (TC 0) (IG 0))
        )
      )
    )
  )
)
)
`);
    // Every net spends the whole DURATION at 0, 1 or X, and the parentheses balance.
    for (const m of text.matchAll(/\(T0 (\d+)\) \(T1 (\d+)\) \(TX (\d+)\)/g)) expect(Number(m[1]) + Number(m[2]) + Number(m[3])).toBe(80000);
    expect(text.split('(').length).toBe(text.split(')').length);
    expect(writeSaif({ ...ACTIVITY, signals: [...ACTIVITY.signals].reverse() }, { design: 'cnt2', instance: 'TOP.tb.dut', date: 'Thu Jan  1 00:00:00 2026' })).toBe(text);
  });

  it('can head the hierarchy with the instance alone, and leaves out signals outside it', () => {
    const text = writeSaif({ ...ACTIVITY, secondsPerUnit: 1e-8 }, { design: 'cnt2', instance: 'TOP.tb.dut', stripPrefix: true });
    expect(text).not.toContain('(DATE');
    expect(text).toContain('(TIMESCALE 10 ns)\n(DURATION 80000)\n(INSTANCE dut\n  (NET\n    (en ');
    expect(text).not.toContain('clk');
    expect(text).not.toContain('(INSTANCE TOP');
  });

  it('refuses an instance with no signals', () => {
    expect(() => writeSaif(ACTIVITY, { design: 'x', instance: 'TOP.tb.nothing' })).toThrow(
      "No signal of the activity lies under the instance 'TOP.tb.nothing', so there is nothing to write to the SAIF file.",
    );
  });

  it('escapes every character but letters, digits and underscore', () => {
    expect(escapeSaif('a_b[3]/c.d e')).toBe('a_b\\[3\\]\\/c\\.d\\ e');
  });
});
