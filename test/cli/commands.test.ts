/** The happy paths of the potgen command, as a user runs it. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPotgen, tempDir } from '../support/designs.ts';

describe('potgen build, sim, lint', () => {
  const dir = tempDir();
  const out = path.join(dir, 'conv3x3');

  it('build writes the design and summarises it', async () => {
    const r = await runPotgen('build', 'examples/conv3x3.ts', '-o', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('potgen: building examples/conv3x3.ts\n');
    // rtl/: 5 library modules a conv layer uses, its wrapper, 2 ROMs and the top, the board shell and its
    // batch module; tb/: bench, shell bench and 2 vector files; vivado/: settings and 3 static scripts;
    // driver/: the PYNQ driver; potgen.json.
    expect(r.stdout.split('\n')[0]).toBe(`conv3x3: 21 files written to ${out}`);
    expect(r.stdout).toContain('1152 cycles per inference (steady state)');
    expect(r.stdout).toContain('12 multiply lanes for 13,824 multiply-accumulates per inference: 100.0% lane utilisation');
  });

  it('sim runs the testbench under Icarus and reports the checks', async () => {
    const r = await runPotgen('sim', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^cycles per frame: measured 1152 \(frame 1\), analytic 1152$/m);
    expect(r.stdout).toMatch(/^257 passed, 0 failed$/m);
  });

  it('lint reports a clean design', async () => {
    const r = await runPotgen('lint', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('conv3x3: 9 files lint clean (verilator --lint-only -Wall)\n');
  });

  it('--dump-ir prints the hardware IR as JSON and writes nothing', async () => {
    const r = await runPotgen('build', 'examples/conv3x3.ts', '--dump-ir', '-o', path.join(dir, 'not-written'));
    expect(r.status).toBe(0);
    const hw = JSON.parse(r.stdout);
    expect(hw.kind).toBe('network');
    expect(hw.layers[0]).toMatchObject({ kind: 'conv2d', name: 'conv1', moduleName: 'conv3x3_conv1', pe: 4, simd: 3 });
    expect(readdirSync(dir)).toEqual(['conv3x3']);
  });

  it('every command explains itself with --help', async () => {
    for (const command of ['build', 'eval', 'sim', 'lint', 'synth']) {
      const r = await runPotgen(command, '--help');
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^Usage: potgen ${command} \\[options\\]`));
    }
  });
});
