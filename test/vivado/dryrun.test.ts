/**
 * potgen's Vivado scripts checked without Vivado: each runs in tclsh against the dry-run harness
 * (test/vivado/harness: every Vivado command a stub that checks its options against UG835 and the
 * state it needs, and records the call). The recorded calls of LeNet-5 and conv3x3 are compared
 * with golden files and checked for what Vivado needs (order, arguments, every source read
 * once); the harness is shown to fail what Vivado would fail; and the fake `vivado` drives
 * potgen's own runner.
 *
 * Set POTGEN_UPDATE_GOLDEN=1 to rewrite the golden call logs (test/vivado/golden/*.calls).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DesignManifest } from '../../generator/core/plan.ts';
import { writeSaif } from '../../generator/energy/saif.ts';
import { runPotgen, tempDir } from '../support/designs.ts';

const HARNESS = path.resolve('test/vivado/harness');
const DRYRUN = path.join(HARNESS, 'dryrun.tcl');
const GOLDEN = path.resolve('test/vivado/golden');
const EXAMPLES = { lenet5: 'examples/lenet5/lenet5.ts', conv3x3: 'examples/conv3x3.ts' } as const;
type Example = keyof typeof EXAMPLES;
type Flow = 'ooc' | 'board';
const STEPS: Record<Flow, readonly string[]> = { ooc: ['synth', 'impl', 'reports'], board: ['project', 'bitstream', 'export'] };

interface Manifest {
  readonly design: string;
  readonly top: string;
  readonly rtl: readonly string[];
  readonly shell: { readonly top: string; readonly rtl: readonly string[] };
}

const dir = tempDir('potgen-dryrun-');
const built: Partial<Record<Example, string>> = {};
let copies = 0;

/** A fresh copy of a built example, so that runs never see each other's outputs. */
function copyOf(example: Example): string {
  const to = path.join(dir, `run${++copies}`, example);
  cpSync(built[example]!, to, { recursive: true });
  return to;
}

function manifestOf(design: string): Manifest {
  return JSON.parse(readFileSync(path.join(design, 'potgen.json'), 'utf8')) as Manifest;
}

interface Run {
  readonly status: number;
  readonly output: string;
  /** The call log, one line per call. */
  readonly calls: string[];
}

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, output: stdout + stderr });
    });
  });
}

/** Runs `<design>/vivado/<flow>.tcl` under the harness in one tclsh per entry of `processes` (each entry: that run's -tclargs). */
async function dryRun(design: string, flow: Flow, processes: readonly (readonly string[])[] = [[]], env: Record<string, string> = {}): Promise<Run> {
  const log = path.join(design, `${flow}-${++copies}.calls`);
  const vivado = path.join(design, 'vivado');
  let status = 0;
  let output = '';
  for (const args of processes) {
    const r = await run('tclsh', [DRYRUN, path.join(vivado, `${flow}.tcl`), ...args], vivado, { DRYRUN_LOG: log, ...env });
    output += r.output;
    status = r.status;
    if (status !== 0) break;
  }
  const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
  return { status, output, calls };
}

/** The words of a call-log line (a Tcl list: bare words and {braced} words). */
function words(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    if (line[i] === '{') {
      let depth = 0;
      const start = i + 1;
      for (; i < line.length; i++) {
        if (line[i] === '{') depth++;
        else if (line[i] === '}' && --depth === 0) break;
      }
      out.push(line.slice(start, i));
      i++;
    } else {
      const start = i;
      while (i < line.length && line[i] !== ' ') i++;
      out.push(line.slice(start, i));
    }
  }
  return out;
}

/** The calls of one command, with their position in the log and their words. */
function callsOf(calls: readonly string[], command: string): { at: number; words: string[] }[] {
  return calls.flatMap((line, at) => (words(line)[0] === command ? [{ at, words: words(line) }] : []));
}

function first(calls: readonly string[], command: string, match: (w: string[]) => boolean = () => true): number {
  const c = callsOf(calls, command).find((x) => match(x.words));
  expect(c, `${command} is called`).toBeDefined();
  return c!.at;
}

function optionOf(w: readonly string[], option: string): string | undefined {
  const i = w.indexOf(option);
  return i < 0 ? undefined : w[i + 1];
}

/** The run went through without a rejected call or an error. */
function expectClean(r: Run): void {
  expect(r.status, r.output.split('\n').filter((l) => /ERROR/.test(l)).join('\n')).toBe(0);
  expect(r.calls.filter((l) => l.startsWith('# ERROR') || l.startsWith('# REJECTED'))).toEqual([]);
  expect(r.output).not.toMatch(/^ERROR:|potgen: ERROR:/m);
}

/** Lines a fresh Vivado process adds: the source line, the version check and the reopening of the previous step's result. */
function work(calls: readonly string[]): string[] {
  return calls.filter((l) => !l.startsWith('# source ') && l !== 'version -short' && !/^(open_checkpoint|open_project) /.test(l));
}

function golden(example: Example, flow: Flow, calls: readonly string[]): void {
  const file = path.join(GOLDEN, `${example}.${flow}.calls`);
  const text = `${calls.join('\n')}\n`;
  if (process.env.POTGEN_UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

function mutate(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text.split(from).length - 1, `${path.basename(file)} must contain '${from}' exactly once`).toBe(1);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(async () => {
  const runs = await Promise.all(
    (Object.keys(EXAMPLES) as Example[]).map(async (example) => {
      const out = path.join(dir, 'built', example);
      return { example, out, run: await runPotgen('build', EXAMPLES[example], '-o', out) };
    }),
  );
  for (const { example, out, run: r } of runs) {
    expect(r.status, r.stdout + r.stderr).toBe(0);
    built[example] = out;
  }
}, 180_000);

describe('ooc.tcl under the dry-run harness', () => {
  for (const example of Object.keys(EXAMPLES) as Example[]) {
    it(`${example}: all steps in one Vivado give the golden calls, which read the design and nothing else before synthesis`, async () => {
      const design = copyOf(example);
      const m = manifestOf(design);
      const r = await dryRun(design, 'ooc');
      expectClean(r);
      golden(example, 'ooc', r.calls);
      const c = r.calls;

      // Every source of the manifest is read exactly once, nothing else, all before synthesis.
      const reads = callsOf(c, 'read_verilog');
      expect(reads.map((x) => x.words.slice(1))).toEqual(m.rtl.map((f) => [`<design>/${f}`]));
      const synth = first(c, 'synth_design');
      expect(callsOf(c, 'synth_design')).toHaveLength(1);
      for (const x of reads) expect(x.at).toBeLessThan(synth);
      // The clock constraint, out of context, before synthesis.
      const xdc = callsOf(c, 'read_xdc');
      expect(xdc.map((x) => x.words)).toEqual([['read_xdc', '-mode', 'out_of_context', '<design>/vivado/ooc/clock.xdc']]);
      expect(xdc[0]!.at).toBeLessThan(synth);
      const sw = callsOf(c, 'synth_design')[0]!.words;
      expect(optionOf(sw, '-top')).toBe(m.top);
      expect(optionOf(sw, '-part')).toBe('xczu7ev-ffvc1156-2-e');
      expect(optionOf(sw, '-mode')).toBe('out_of_context');
      expect(readFileSync(path.join(design, 'vivado/ooc/clock.xdc'), 'utf8')).toMatch(/^create_clock -period 5\.000 -name aclk \[get_ports aclk\]$/m);

      // Then implementation in Vivado's order, a checkpoint after each stage, the reports last.
      const order = [
        synth,
        first(c, 'write_checkpoint', (w) => w.includes('<design>/vivado/ooc/post_synth.dcp')),
        first(c, 'opt_design'),
        first(c, 'place_design'),
        first(c, 'phys_opt_design'),
        first(c, 'route_design'),
        first(c, 'write_checkpoint', (w) => w.includes('<design>/vivado/ooc/post_route.dcp')),
        first(c, 'report_utilization', (w) => w.includes('<design>/vivado/ooc/utilization.rpt')),
        first(c, 'report_timing_summary'),
        first(c, 'report_power'),
        first(c, 'get_timing_paths'),
      ];
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      // No SAIF was written: power from Vivado's default activity.
      expect(callsOf(c, 'read_saif')).toEqual([]);
      expect(r.output).toMatch(/potgen: no SAIF file at .*power\/.*\.saif/);
      for (const f of ['post_synth.dcp', 'post_route.dcp', 'post_synth_utilization.rpt', 'utilization.rpt', 'utilization_hier.rpt', 'timing_summary.rpt', 'power.rpt']) {
        expect(existsSync(path.join(design, 'vivado/ooc', f)), f).toBe(true);
      }
      // The reports are the fixtures, as the runner will parse them.
      expect(readFileSync(path.join(design, 'vivado/ooc/timing_summary.rpt'), 'utf8')).toBe(readFileSync('test/fixtures/vivado/timing_summary.rpt', 'utf8'));
      expect(readFileSync(path.join(design, 'vivado/ooc/power.rpt'), 'utf8')).toBe(readFileSync('test/fixtures/vivado/power.rpt', 'utf8'));
    });

    it(`${example}: the steps in separate Vivados do the same work, each reopening the last one's checkpoint`, async () => {
      const design = copyOf(example);
      const r = await dryRun(design, 'ooc', STEPS.ooc.map((s) => [s]));
      expectClean(r);
      const whole = await dryRun(copyOf(example), 'ooc');
      expect(work(r.calls)).toEqual(work(whole.calls));
      expect(r.calls.filter((l) => /^open_checkpoint /.test(l))).toEqual([
        'open_checkpoint <design>/vivado/ooc/post_synth.dcp',
        'open_checkpoint <design>/vivado/ooc/post_route.dcp',
      ]);
      expect(r.calls.filter((l) => l.startsWith('# source '))).toEqual(STEPS.ooc.map((s) => `# source <design>/vivado/ooc.tcl -tclargs ${s}`));
    });
  }

  it('reads the SAIF potgen wrote, with the testbench scope stripped, between routing and the power report', async () => {
    const design = copyOf('conv3x3');
    const m = manifestOf(design);
    // A SAIF as potgen compare --saif writes it (generator/energy/saif.ts), scopes TOP.<design>_activity_tb.dut.
    const scope = ['TOP', `${m.design}_activity_tb`, 'dut'];
    const saif = writeSaif(
      { secondsPerUnit: 1e-12, start: 0, end: 1000, signals: [{ name: [...scope, 'aclk'].join('.'), width: 1, bits: [{ toggles: 2, t0: 500, t1: 500, tx: 0 }], scope, ref: 'aclk' }] },
      { design: m.design, instance: scope.join('.') },
    );
    mkdirSync(path.join(design, 'power'));
    writeFileSync(path.join(design, 'power', `${m.design}.saif`), saif);
    const r = await dryRun(design, 'ooc');
    expectClean(r);
    const saifs = callsOf(r.calls, 'read_saif');
    expect(saifs.map((x) => x.words)).toEqual([['read_saif', '-strip_path', `TOP/${m.design}_activity_tb/dut`, `<design>/power/${m.design}.saif`]]);
    expect(saifs[0]!.at).toBeGreaterThan(first(r.calls, 'route_design'));
    expect(saifs[0]!.at).toBeLessThan(first(r.calls, 'report_power'));
    expect(readFileSync(path.join(design, 'vivado/ooc/power.rpt'), 'utf8')).toBe(readFileSync('test/fixtures/vivado/power_saif.rpt', 'utf8'));
    // A scope the SAIF lacks is refused, as Vivado would match no net.
    mutate(path.join(design, 'vivado/settings.tcl'), `TOP/${m.design}_activity_tb/dut`, `${m.design}_activity_tb/dut`);
    const wrong = await dryRun(design, 'ooc', [['reports']]);
    expect(wrong.status).toBe(1);
    expect(wrong.output).toMatch(/read_saif: .* has no instance conv3x3_activity_tb\/dut/);
  });
});

describe('board.tcl under the dry-run harness', () => {
  for (const example of Object.keys(EXAMPLES) as Example[]) {
    it(`${example}: all steps in one Vivado give the golden calls, a block design Vivado can build`, async () => {
      const design = copyOf(example);
      const m = manifestOf(design);
      const r = await dryRun(design, 'board');
      expectClean(r);
      golden(example, 'board', r.calls);
      const c = r.calls;

      // The project holds the design's and the shell's sources, each once, then the wrapper.
      const create = first(c, 'create_project');
      expect(callsOf(c, 'create_project')[0]!.words).toEqual(['create_project', '-force', m.design, '<design>/vivado/board/project', '-part', 'xczu7ev-ffvc1156-2-e']);
      const added = callsOf(c, 'add_files').map((x) => ({ at: x.at, files: words(x.words.at(-1)!) }));
      const sources = added.filter((a) => a.at < first(c, 'create_bd_design')).flatMap((a) => a.files);
      expect([...sources].sort()).toEqual([...m.rtl, ...m.shell.rtl].map((f) => `<design>/${f}`).sort());
      expect(new Set(sources).size).toBe(sources.length);
      const wrapper = `<design>/vivado/board/project/${m.design}.gen/sources_1/bd/${m.design}_bd/hdl/${m.design}_bd_wrapper.v`;
      expect(added.filter((a) => a.at > first(c, 'create_bd_design')).flatMap((a) => a.files)).toEqual([wrapper]);
      expect(first(c, 'set_property', (w) => w[1] === 'board_part')).toBeGreaterThan(create);
      expect(callsOf(c, 'set_property').find((x) => x.words[1] === 'board_part')!.words).toEqual(['set_property', 'board_part', 'xilinx.com:zcu104:part0:1.1', m.design]);

      // The processing system: board preset first, then potgen's settings over it.
      const ps = first(c, 'create_bd_cell', (w) => w.at(-1) === 'ps');
      const preset = first(c, 'apply_bd_automation');
      const psConfig = first(c, 'set_property', (w) => w[1] === '-dict' && w.at(-1) === '/ps');
      expect(ps).toBeLessThan(preset);
      expect(preset).toBeLessThan(psConfig);
      expect(callsOf(c, 'create_bd_cell').find((x) => x.words.at(-1) === 'accel')!.words).toEqual(['create_bd_cell', '-type', 'module', '-reference', m.shell.top, 'accel']);

      // Every connection before addressing, validation, saving, output products, the wrapper as top.
      const lastConnect = Math.max(...callsOf(c, 'connect_bd_net').map((x) => x.at), ...callsOf(c, 'connect_bd_intf_net').map((x) => x.at));
      const order = [
        lastConnect,
        first(c, 'assign_bd_address'),
        first(c, 'validate_bd_design'),
        first(c, 'save_bd_design'),
        first(c, 'generate_target'),
        first(c, 'make_wrapper'),
        first(c, 'set_property', (w) => w[1] === 'top'),
        first(c, 'launch_runs', (w) => w[1] === 'synth_1'),
        first(c, 'wait_on_run', (w) => w[1] === 'synth_1'),
        first(c, 'get_property', (w) => w[1] === 'PROGRESS' && w[2] === 'synth_1'),
        first(c, 'launch_runs', (w) => w[1] === 'impl_1'),
        first(c, 'wait_on_run', (w) => w[1] === 'impl_1'),
        first(c, 'get_property', (w) => w[1] === 'PROGRESS' && w[2] === 'impl_1'),
        first(c, 'open_run'),
        first(c, 'write_hw_platform'),
        first(c, 'report_utilization'),
        first(c, 'report_power'),
      ];
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(callsOf(c, 'set_property').find((x) => x.words[1] === 'top')!.words).toEqual(['set_property', 'top', `${m.design}_bd_wrapper`, 'sources_1']);
      expect(optionOf(callsOf(c, 'launch_runs').find((x) => x.words[1] === 'impl_1')!.words, '-to_step')).toBe('write_bitstream');
      expect(callsOf(c, 'write_hw_platform')[0]!.words).toEqual(['write_hw_platform', '-fixed', '-include_bit', '-force', '-file', `<design>/vivado/board/${m.design}.xsa`]);
      // The synthesis sources (read_verilog) are the non-project flow's: none here.
      expect(callsOf(c, 'read_verilog')).toEqual([]);
      for (const f of [`${m.design}.xsa`, `${m.design}.bit`, `${m.design}.hwh`, 'utilization.rpt', 'utilization_hier.rpt', 'timing_summary.rpt', 'power.rpt']) {
        expect(existsSync(path.join(design, 'vivado/board', f)), f).toBe(true);
      }
    });

    it(`${example}: the steps in separate Vivados do the same work, each reopening the project`, async () => {
      const design = copyOf(example);
      const r = await dryRun(design, 'board', STEPS.board.map((s) => [s]));
      expectClean(r);
      const whole = await dryRun(copyOf(example), 'board');
      expect(work(r.calls)).toEqual(work(whole.calls));
      expect(r.calls.filter((l) => /^open_project /.test(l))).toEqual([
        `open_project <design>/vivado/board/project/${example}.xpr`,
        `open_project <design>/vivado/board/project/${example}.xpr`,
      ]);
      // A step run again (a failed bitstream retried) works on the same project.
      const again = await dryRun(design, 'board', [['bitstream'], ['export']]);
      expectClean(again);
    });
  }
});

describe('the harness fails what Vivado would fail', () => {
  it('a call of a command Vivado does not have', async () => {
    const design = copyOf('conv3x3');
    mutate(path.join(design, 'vivado/potgen_flow.tcl'), '    place_design\n', '    place_design\n    optimise_everything -now\n');
    const r = await dryRun(design, 'ooc');
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/^ERROR: \[dryrun\] optimise_everything: unknown command/m);
    expect(r.calls.at(-2)).toMatch(/^# ERROR: \[dryrun\] optimise_everything: unknown command/);
    expect(r.calls.at(-1)).toBe('exit 1');
  });

  it('an option the command does not document', async () => {
    const design = copyOf('conv3x3');
    mutate(path.join(design, 'vivado/potgen_flow.tcl'), '    route_design\n', '    route_design -fast\n');
    const r = await dryRun(design, 'ooc');
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/^ERROR: \[dryrun\] route_design: unknown option '-fast'; UG835 2020\.2 route_design/m);
    expect(r.calls).toContain('# REJECTED route_design -fast');
    expect(callsOf(r.calls, 'write_checkpoint').map((x) => x.words.at(-1))).toEqual(['<design>/vivado/ooc/post_synth.dcp']);
  });

  it('a pin the IP does not have, a stream width the shell does not have, a source read twice, a Tcl 8.6 command', async () => {
    const pin = copyOf('conv3x3');
    mutate(path.join(pin, 'vivado/potgen_flow.tcl'), '[get_bd_pins ps/pl_resetn0]', '[get_bd_pins ps/pl_reset0]');
    const p = await dryRun(pin, 'board');
    expect(p.status).toBe(1);
    expect(p.output).toMatch(/get_bd_pins: cell ps \(xilinx\.com:ip:zynq_ultra_ps_e\) has no pin pl_reset0/);

    // The DMA's stream narrower than the shell's: the widths of a connected stream differ.
    const width = copyOf('lenet5');
    mutate(path.join(width, 'vivado/settings.tcl'), 'CONFIG.c_m_axis_mm2s_tdata_width 8', 'CONFIG.c_m_axis_mm2s_tdata_width 16');
    const w = await dryRun(width, 'board');
    expect(w.status).toBe(1);
    expect(w.output).toMatch(/connect_bd_intf_net: \[BD 41-237\] TDATA widths differ: \/axi_dma\/M_AXIS_MM2S has 16 bits, \/accel\/s_axis has 8/);

    const twice = copyOf('conv3x3');
    mutate(path.join(twice, 'vivado/settings.tcl'), '    ../rtl/conv3x3_top.v \\\n', '    ../rtl/conv3x3_top.v \\\n    ../rtl/conv3x3_top.v \\\n');
    const t = await dryRun(twice, 'ooc');
    expect(t.status).toBe(1);
    expect(t.output).toMatch(/read_verilog: .*conv3x3_top\.v is read twice/);

    const tcl86 = copyOf('conv3x3');
    mutate(path.join(tcl86, 'vivado/potgen_flow.tcl'), '    foreach f $potgen($which) {', '    set unused [lmap f $potgen($which) {set f}]\n    foreach f $potgen($which) {');
    const l = await dryRun(tcl86, 'ooc');
    expect(l.status).toBe(1);
    expect(l.output).toMatch(/potgen_flow\.tcl:\d+ uses 'lmap', a Tcl 8\.6 command/);
  });

  it('a run that stops at 90%: one potgen: ERROR line and exit 1, nothing after it', async () => {
    for (const run of ['synth_1', 'impl_1']) {
      const design = copyOf('conv3x3');
      const r = await dryRun(design, 'board', [[]], { DRYRUN_PROGRESS: `${run}=90%` });
      expect(r.status).toBe(1);
      expect(r.output.split('\n').filter((l) => l.startsWith('potgen: ERROR:'))).toEqual([
        expect.stringMatching(new RegExp(`^potgen: ERROR: run ${run} stopped at 90% \\(.*ERROR\\); its log is .*/${run}/runme\\.log$`)),
      ]);
      expect(r.calls.slice(-5)).toEqual([`get_runs ${run}`, `get_property STATUS ${run}`, `get_runs ${run}`, `get_property DIRECTORY ${run}`, 'exit 1']);
      if (run === 'synth_1') expect(callsOf(r.calls, 'launch_runs').map((x) => x.words[1])).toEqual(['synth_1']);
      expect(callsOf(r.calls, 'write_hw_platform')).toEqual([]);
    }
  });

  it('negative slack fails the reports step after writing them, unless settings.tcl allows it', async () => {
    const design = copyOf('conv3x3');
    const r = await dryRun(design, 'ooc', [[]], { DRYRUN_SLACK: '-0.250' });
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/^potgen: ERROR: timing is not met at 200 MHz \(worst setup slack -0\.250 ns\); see .*timing_summary\.rpt, or lower the clock$/m);
    expect(readFileSync(path.join(design, 'vivado/ooc/timing_summary.rpt'), 'utf8')).toBe(readFileSync('test/fixtures/vivado/timing_summary_failing.rpt', 'utf8'));
    expect(r.calls.at(-1)).toBe('exit 1');
    const hold = await dryRun(copyOf('conv3x3'), 'ooc', [[]], { DRYRUN_HOLD_SLACK: '-0.010' });
    expect(hold.status).toBe(1);
    expect(hold.output).toMatch(/^potgen: ERROR: hold timing is not met \(worst hold slack -0\.010 ns\)/m);

    mutate(path.join(design, 'vivado/settings.tcl'), 'set potgen(allow_negative_slack) 0', 'set potgen(allow_negative_slack) 1');
    const allowed = await dryRun(design, 'ooc', [['reports']], { DRYRUN_SLACK: '-0.250' });
    expectClean(allowed);
    expect(allowed.output).toMatch(/potgen: worst setup slack -0\.250 ns/);
  });

  it('a missing board part: a warning, the bare part, no board_part and no preset', async () => {
    const design = copyOf('conv3x3');
    const r = await dryRun(design, 'board', [[]], { DRYRUN_BOARD_PARTS: '' });
    expectClean(r);
    expect(r.output).toMatch(/^potgen: WARNING: board part xilinx\.com:zcu104:part0:\* is not installed; using the bare part xczu7ev-ffvc1156-2-e\./m);
    expect(callsOf(r.calls, 'set_property').filter((x) => x.words[1] === 'board_part')).toEqual([]);
    expect(callsOf(r.calls, 'apply_bd_automation')).toEqual([]);
    expect(callsOf(r.calls, 'create_project')).toHaveLength(1);
    expect(existsSync(path.join(design, 'vivado/board/conv3x3.xsa'))).toBe(true);
    // An older board file version is used when it is the only one.
    const old = await dryRun(copyOf('conv3x3'), 'board', [['project']], { DRYRUN_BOARD_PARTS: 'xilinx.com:zcu104:part0:1.0' });
    expectClean(old);
    expect(callsOf(old.calls, 'set_property').find((x) => x.words[1] === 'board_part')!.words[2]).toBe('xilinx.com:zcu104:part0:1.0');
  });

  it('a step run alone without its predecessor: a clear error naming the missing file', async () => {
    for (const [flow, step, missing, advice] of [
      ['ooc', 'impl', 'vivado/ooc/post_synth.dcp', 'run the previous step first'],
      ['ooc', 'reports', 'vivado/ooc/post_route.dcp', 'run the previous step first'],
      ['board', 'bitstream', 'vivado/board/project/conv3x3.xpr', 'run the project step first'],
      ['board', 'export', 'vivado/board/project/conv3x3.xpr', 'run the project step first'],
    ] as const) {
      const design = copyOf('conv3x3');
      const r = await dryRun(design, flow, [[step]]);
      expect(r.status, `${flow} ${step}`).toBe(1);
      expect(r.output).toContain(`potgen: ERROR: ${path.join(design, missing)} is missing: ${advice}`);
      expect(r.calls).toEqual([`# source <design>/vivado/${flow}.tcl -tclargs ${step}`, 'version -short', 'exit 1']);
    }
    // An export after a failed implementation finds no bitstream.
    const design = copyOf('conv3x3');
    await dryRun(design, 'board', [['project']]);
    const failed = await dryRun(design, 'board', [['bitstream']], { DRYRUN_PROGRESS: 'impl_1=90%' });
    expect(failed.status).toBe(1);
    const r = await dryRun(design, 'board', [['export']]);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/open_run: run impl_1 is not complete/);
  });

  it('an unknown step and a Vivado older than 2020.2', async () => {
    const design = copyOf('conv3x3');
    const r = await dryRun(design, 'ooc', [['place']]);
    expect(r.status).toBe(1);
    expect(r.output).toContain("potgen: ERROR: unknown step 'place': ooc.tcl takes synth, impl and reports");
    const old = await dryRun(design, 'board', [[]], { DRYRUN_VERSION: '2020.1' });
    expect(old.status).toBe(1);
    expect(old.output).toContain('potgen: ERROR: Vivado 2020.1 is older than 2020.2, the oldest these scripts support');
    expect(old.calls).toEqual(['# source <design>/vivado/board.tcl', 'version -short', 'exit 1']);
  });
});

describe('the fake vivado', () => {
  const vivado = path.join(HARNESS, 'vivado');

  it('answers -version like Vivado 2023.2 and refuses what the runner never passes', async () => {
    const v = await run(vivado, ['-version'], dir, {});
    expect(v.status).toBe(0);
    expect(v.output.split('\n')[0]).toBe('Vivado v2023.2 (64-bit)');
    expect(v.output.split('\n')[1]).toMatch(/^SW Build \d+ on /);
    for (const args of [['-mode', 'gui'], ['-mode', 'tcl', '-source', 'x.tcl'], ['-mode', 'batch'], ['-mode', 'batch', '-source', 'x.tcl', '-notrace']]) {
      const r = await run(vivado, args, dir, {});
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.output).toMatch(/^ERROR: \[dryrun vivado\]/);
    }
  });

  it('runs a step as the runner calls it, its output both on stdout and in the log, with the script\'s status', async () => {
    const design = copyOf('conv3x3');
    const out = path.join(design, 'vivado/ooc');
    mkdirSync(out, { recursive: true });
    const env = { DRYRUN_LOG: path.join(design, 'fake.calls') };
    const args = (step: string): string[] => ['-mode', 'batch', '-nojournal', '-log', path.join(out, `${step}.log`), '-source', path.join(design, 'vivado/ooc.tcl'), '-tclargs', step];
    for (const step of STEPS.ooc) {
      const r = await run(vivado, args(step), out, env);
      expect(r.status, r.output).toBe(0);
      expect(readFileSync(path.join(out, `${step}.log`), 'utf8')).toBe(r.output);
      expect(r.output).toMatch(/^# Vivado v2023\.2 \(64-bit\)$/m);
    }
    expect(existsSync(path.join(out, 'vivado.jou'))).toBe(false);
    const failing = await run(vivado, args('reports'), out, { ...env, DRYRUN_SLACK: '-1' });
    expect(failing.status).toBe(1);
    expect(readFileSync(path.join(out, 'reports.log'), 'utf8')).toMatch(/^potgen: ERROR: timing is not met/m);
  });

  it('drives potgen\'s runner (generator/vivado/runVivado.ts) through both flows', async () => {
    const { runVivado } = await import('../../generator/vivado/runVivado.ts');
    const design = copyOf('conv3x3');
    const saved = process.env.PATH;
    process.env.PATH = `${HARNESS}${path.delimiter}${saved ?? ''}`;
    process.env.DRYRUN_LOG = path.join(design, 'runner.calls');
    try {
      for (const flow of ['ooc', 'board'] as const) {
        const manifest = JSON.parse(readFileSync(path.join(design, 'potgen.json'), 'utf8')) as DesignManifest;
        const result = await runVivado(design, manifest, { flow, board: 'zcu104', allowNegativeSlack: false, jobs: 2 });
        expect(result.version).toBe('2023.2');
        expect(result.logs.map((l) => path.basename(l))).toEqual(STEPS[flow].map((s) => `${s}.log`));
        expect(result.utilization).toBeDefined();
        expect(result.timing).toBeDefined();
        expect(result.power).toBeDefined();
      }
    } finally {
      process.env.PATH = saved;
      delete process.env.DRYRUN_LOG;
    }
    const calls = readFileSync(path.join(design, 'runner.calls'), 'utf8').split('\n');
    expect(calls.filter((l) => l.startsWith('# source '))).toEqual([
      ...STEPS.ooc.map((s) => `# source <design>/vivado/ooc.tcl -tclargs ${s}`),
      ...STEPS.board.map((s) => `# source <design>/vivado/board.tcl -tclargs ${s}`),
    ]);
    expect(calls.filter((l) => l.startsWith('# ERROR') || l.startsWith('# REJECTED'))).toEqual([]);
  });
});
