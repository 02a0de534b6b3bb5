/**
 * `potgen vivado` as a user runs it: without Vivado on the PATH (one line, exit 1, nothing
 * written), and with the dry-run Vivado of test/vivado/harness on the PATH, which runs the
 * design's scripts under tclsh with checked stubs and writes fixture reports: the whole path of
 * steps, logs, settings, failure messages and the parsed table.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPotgen, tempDir } from '../support/designs.ts';

const HARNESS = path.resolve(import.meta.dirname, 'harness');
/** The folders a bare Debian has its tools in, without Vivado. */
const BARE_PATH = '/usr/local/bin:/usr/bin:/bin';

function potgenWith(env: Record<string, string>, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/potgen.js', ...args], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

/** Every file under `dir` with its content hash, to show that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const dir = tempDir('potgen-vivado-');
const built = path.join(dir, 'conv3x3');
const withVivado = { PATH: `${HARNESS}:${BARE_PATH}` };

function design(name: string): string {
  const d = path.join(dir, name);
  cpSync(built, d, { recursive: true });
  return d;
}

beforeAll(async () => {
  const r = await runPotgen('build', 'examples/conv3x3.ts', '-o', built);
  expect(r.status).toBe(0);
}, 60_000);

describe.concurrent('potgen vivado', () => {
  it('without Vivado on the PATH: one line, exit 1, nothing written', async () => {
    const d = design('novivado');
    const before = snapshot(d);
    const r = await potgenWith({ PATH: BARE_PATH }, 'vivado', d, '--bitstream');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "Vivado is not on the PATH: source its settings first (e.g. `source /tools/Xilinx/Vivado/2023.2/settings64.sh`), or run the scripts in the design's vivado/ folder on a machine that has it.\n",
    );
    expect(snapshot(d)).toEqual(before);
  });

  it('out of context: three steps with a log each, the reports parsed into the table', async () => {
    const d = design('ooc');
    const r = await potgenWith(withVivado, 'vivado', d, '--clock-mhz', '150', '--no-yosys');
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    for (const step of ['synth', 'impl', 'reports']) {
      expect(r.stderr).toContain(`potgen: vivado ooc ${step} (log: ${path.join(d, 'vivado', 'ooc', `${step}.log`)})`);
      expect(readFileSync(path.join(d, 'vivado', 'ooc', `${step}.log`), 'utf8')).toContain(`out-of-context ${step} of conv3x3_top for xczu7ev-ffvc1156-2-e at 150 MHz`);
    }
    expect(readFileSync(path.join(d, 'vivado', 'settings.tcl'), 'utf8')).toContain('set potgen(clock_mhz) 150\n');
    // The figures are the fixture's (test/fixtures/vivado/utilization.rpt, timing_summary.rpt, power.rpt).
    expect(r.stdout).toContain('conv3x3: Vivado 2023.2, conv3x3_top out of context at 150 MHz');
    expect(r.stdout).toMatch(/^LUT +1119 +230400$/m);
    expect(r.stdout).toMatch(/^BRAM36 +1\.5 +312$/m);
    expect(r.stdout).toContain('timing met: WNS 0.412 ns');
    expect(r.stdout).toContain('power 0.693 W (dynamic 0.095 W, static 0.598 W), confidence Low');
  });

  it('the board: project, bitstream and export, with the files a host needs', async () => {
    const d = design('board');
    const r = await potgenWith(withVivado, 'vivado', d, '--bitstream', '--no-yosys');
    expect(r.status).toBe(0);
    for (const f of ['conv3x3.xsa', 'conv3x3.bit', 'conv3x3.hwh', 'project.log', 'bitstream.log', 'export.log', 'utilization.rpt', 'power.rpt']) {
      expect(existsSync(path.join(d, 'vivado', 'board', f)), f).toBe(true);
    }
    expect(r.stdout).toContain('conv3x3: Vivado 2023.2, the zcu104 board build at 200 MHz');
  });

  it('another board is another file', async () => {
    const d = design('zcu102');
    const r = await potgenWith(withVivado, 'vivado', d, '--bitstream', '--board', 'zcu102', '--step', 'project', '--no-yosys');
    // Only the project step ran, so there are no reports yet: the message says which step writes them.
    expect(r.stderr).toContain(`Vivado finished but wrote no ${path.join(d, 'vivado', 'board', 'utilization.rpt')}; run the 'export' step.`);
    expect(r.status).toBe(1);
    expect(readFileSync(path.join(d, 'vivado', 'settings.tcl'), 'utf8')).toContain('set potgen(part) xczu9eg-ffvb1156-2-e\n');
    expect(readFileSync(path.join(d, 'vivado', 'board', 'project.log'), 'utf8')).toContain('board project of conv3x3 for the zcu102 (xczu9eg-ffvb1156-2-e)');
  });

  it('a run that stops short fails the build with its reason and log', async () => {
    const d = design('progress');
    const r = await potgenWith({ ...withVivado, DRYRUN_PROGRESS: 'impl_1=90% synth_1=100%' }, 'vivado', d, '--bitstream', '--no-yosys');
    expect(r.status).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^Vivado's board step 'bitstream' failed: run impl_1 stopped at 90% \(.*\); its log is .*runme\.log\. Log: .*bitstream\.log$/);
    expect(existsSync(path.join(d, 'vivado', 'board', 'conv3x3.bit'))).toBe(false);
  });

  it('negative slack fails after the reports are written, unless allowed', async () => {
    const d = design('slack');
    const failing = await potgenWith({ ...withVivado, DRYRUN_SLACK: '-0.318' }, 'vivado', d, '--no-yosys');
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("Vivado's ooc step 'reports' failed: timing is not met at 200 MHz (worst setup slack -0.318 ns)");
    expect(existsSync(path.join(d, 'vivado', 'ooc', 'timing_summary.rpt'))).toBe(true);
    const allowed = await potgenWith({ ...withVivado, DRYRUN_SLACK: '-0.318' }, 'vivado', d, '--no-yosys', '--allow-negative-slack');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('timing NOT met');
  });

  it('bad options are clear and write nothing', async () => {
    const d = design('bad');
    const before = snapshot(d);
    const board = await potgenWith(withVivado, 'vivado', d, '--board', 'kv999');
    expect(board.stderr.trim()).toMatch(/^There is no board 'kv999'; potgen knows zcu102, zcu104 \(files in .*vivado\/boards\)\.$/);
    expect(board.status).toBe(1);
    const step = await potgenWith(withVivado, 'vivado', d, '--step', 'bitstream');
    expect(step.stderr.trim()).toBe("'bitstream' is not a step of the ooc flow; its steps are synth, impl, reports.");
    expect(step.status).toBe(1);
    const clock = await potgenWith(withVivado, 'vivado', d, '--clock-mhz', '5000');
    expect(clock.stderr).toContain("error: option '--clock-mhz <mhz>' argument '5000' is invalid. It must be a clock frequency in MHz from 10 to 1000.");
    expect(clock.status).toBe(1);
    const old = await potgenWith({ ...withVivado, DRYRUN_VERSION: '2019.2' }, 'vivado', d);
    expect(old.stderr.trim()).toBe("Vivado 2019.2 is older than 2020.2, the oldest potgen's scripts support.");
    expect(old.status).toBe(1);
    expect(snapshot(d)).toEqual(before);
  });
});
