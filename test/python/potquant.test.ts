/**
 * The fine-tuning script's PoT quantiser (examples/lenet5/potquant.py, numpy) against potgen's own
 * (quantisePot): the same values, exponent and dropped levels on random tensors of several shapes,
 * widths and sparsity targets, so weights trained through it quantise in potgen to what training
 * saw. Runs Debian's python3 with python3-numpy (CI installs it); a missing one fails the test.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantisePot } from '../../generator/arith/rules.ts';
import { createRng } from '../../generator/core/rng.ts';

const SCRIPT_DIR = path.resolve(import.meta.dirname, '../../examples/lenet5');
const PYTHON = '/usr/bin/python3';

interface Case {
  readonly weights: number[];
  readonly bits: number;
  readonly sparsity: number;
}

function cases(): Case[] {
  const rng = createRng(42);
  const out: Case[] = [];
  for (const bits of [2, 3, 4, 5]) {
    for (const sparsity of [0, 0.1, 0.3, 0.5, 0.8, 0.95]) {
      for (const scale of [1, 0.013, 37]) {
        const n = 1 + Math.floor(rng.next() * 600);
        // Heavy-tailed like trained weights: a normal times a random power, plus a few exact zeros
        // and exact powers of two (the rounding thresholds' edge cases).
        const weights = Array.from({ length: n }, () => {
          const r = rng.next();
          if (r < 0.03) return 0;
          if (r < 0.08) return (rng.next() < 0.5 ? -1 : 1) * scale * 2 ** -Math.floor(rng.next() * 8);
          if (r < 0.12) return (rng.next() < 0.5 ? -1 : 1) * scale * 1.5 * 2 ** -Math.floor(rng.next() * 8);
          return rng.normal() * scale * 2 ** (-3 * rng.next());
        });
        out.push({ weights, bits, sparsity });
      }
    }
  }
  return out;
}

describe('examples/lenet5/potquant.py', () => {
  it('quantises exactly as potgen does, pruning included', () => {
    const all = cases();
    const program = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(SCRIPT_DIR)})`,
      'from potquant import quantise_pot',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    v, e, d = quantise_pot(c["weights"], c["bits"], c["sparsity"])',
      '    out.append({"values": [float(x) for x in v], "exponent": int(e), "dropped": int(d)})',
      'json.dump(out, sys.stdout)',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', program], { input: JSON.stringify(all), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(run.error, `${PYTHON} must run (apt-get install -y python3-numpy)`).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const got = JSON.parse(run.stdout) as { values: number[]; exponent: number; dropped: number }[];
    expect(got).toHaveLength(all.length);
    let pruned = 0;
    all.forEach((c, i) => {
      const q = quantisePot(c.weights, c.bits, c.sparsity);
      const want = Array.from(q.values, (v) => v * 2 ** q.exponent);
      expect({ values: got[i]!.values, exponent: got[i]!.exponent, dropped: got[i]!.dropped }, `case ${i}: ${c.bits} bits, sparsity ${c.sparsity}`).toEqual({
        values: want,
        exponent: q.exponent,
        dropped: q.droppedLevels,
      });
      if (q.droppedLevels > 0) pruned++;
    });
    // The cases exercise pruning, not only plain quantisation.
    expect(pruned).toBeGreaterThan(all.length / 3);
  });
});
