/**
 * The conv layer across its configuration space, simulated under Icarus against the reference
 * model: every output beat and the steady-state cycles per frame must match.
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../generator/run/lint.ts';
import { simulate } from '../../generator/run/simulate.ts';
import { CASES } from '../support/convCases.ts';
import { buildInto, convNetwork, tempDir } from '../support/designs.ts';

describe('conv layer RTL matches the reference model and lints clean', () => {
  const dir = tempDir();
  it.each(CASES)('$name', async ({ name, input, layer }) => {
    const built = buildInto(dir, convNetwork(name, input, layer));
    const sim = await simulate(built.out);
    const outputs = built.hw.layers[0]!.output;
    const beats = 4 * outputs.height * outputs.width;
    expect(sim.log).toContain(`${beats + 1} passed, 0 failed`);
    expect(sim.measuredCyclesPerFrame).toEqual([built.hw.cyclesPerFrame]);
    expect(sim.ok).toBe(true);
    const linted = await lint(built.out);
    expect(linted.log).toBe('');
    expect(linted.clean).toBe(true);
  });
});
