/**
 * The files the Vivado scripts read are exactly the design: settings.tcl's lists (as Tcl reads
 * them, relative to the vivado/ folder) are the manifest's, and synthesising exactly those files
 * with Yosys, for the design's top (the out-of-context flow) and for the board shell's top (the
 * block design), finds every module, infers no latch and leaves no file unused.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesiseXilinx } from '../../generator/run/yosys.ts';
import type { Tree } from '@yowasp/yosys';
import { runYosysInWorker } from '../../generator/run/yosys-worker.ts';
import { runPotgen, tempDir } from '../support/designs.ts';

interface Manifest {
  readonly design: string;
  readonly top: string;
  readonly rtl: readonly string[];
  readonly shell: { readonly top: string; readonly rtl: readonly string[] };
}

const dir = tempDir('potgen-filelist-');
const design = path.join(dir, 'lenet5');
let manifest: Manifest;
/** The two lists and tops as settings.tcl gives them to Tcl, paths resolved and made relative to the design folder. */
let settings: { sources: string[]; shellSources: string[]; top: string; shellTop: string };

function tclsh(script: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('tclsh', [], { cwd }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin?.end(script);
  });
}

/** `rtl/a.v → text` as the nested tree Yosys reads (`{ rtl: { 'a.v': text } }`). */
function buildTree(files: Readonly<Record<string, string>>): Tree {
  const root: Tree = {};
  for (const [name, text] of Object.entries(files)) {
    const parts = name.split('/');
    const leaf = parts.pop()!;
    let node = root;
    for (const p of parts) node = (node[p] ??= {}) as Tree;
    node[leaf] = text;
  }
  return root;
}

/** The modules a Verilog text defines. */
function modulesOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  return [...code.matchAll(/\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)/g)].map((m) => m[1]!);
}

/**
 * The modules left below `top` after `hierarchy -check -top` (which fails on a missing module and
 * drops every module the top does not use), by their source names (a parameterised copy
 * `$paramod$…\potgen_window\…` counts as potgen_window).
 */
async function usedModules(files: Readonly<Record<string, string>>, top: string): Promise<Set<string>> {
  let log = '';
  const decoder = new TextDecoder();
  const write = (bytes: Uint8Array): void => {
    log += decoder.decode(bytes, { stream: true });
  };
  const reads = Object.keys(files).map((f) => `read_verilog ${f}`);
  try {
    await runYosysInWorker(['-p', [...reads, `hierarchy -check -top ${top}`, 'log POTGEN-LS-BEGIN', 'ls', 'log POTGEN-LS-END'].join('; ')], buildTree(files), { stdout: write, stderr: write });
  } catch (error) {
    throw new Error(`Yosys failed on the file list of ${top}: ${(error as Error).message}\n${log.split('\n').slice(-15).join('\n')}`, { cause: error });
  }
  const listing = log.slice(log.lastIndexOf('POTGEN-LS-BEGIN'), log.lastIndexOf('POTGEN-LS-END'));
  const used = new Set<string>();
  for (const line of listing.split('\n')) {
    const name = line.trim();
    if (name === '' || /modules?:$/.test(name) || name.startsWith('POTGEN') || name.startsWith('-')) continue;
    const param = /^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)/.exec(name);
    used.add(param ? param[1]! : name.replace(/^\\/, ''));
  }
  return used;
}

beforeAll(async () => {
  const r = await runPotgen('build', 'examples/lenet5/lenet5.ts', '-o', design);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(path.join(design, 'potgen.json'), 'utf8')) as Manifest;
  const vivado = path.join(design, 'vivado');
  const out = await tclsh(
    [
      'source settings.tcl',
      'foreach f $potgen(sources) { puts "source [file normalize $f]" }',
      'foreach f $potgen(shell_sources) { puts "shell [file normalize $f]" }',
      'puts "top $potgen(top)"',
      'puts "shell_top $potgen(shell_top)"',
    ].join('\n'),
    vivado,
  );
  const lines = out.trim().split('\n').map((l) => l.split(' '));
  const rel = (f: string): string => path.relative(design, f).split(path.sep).join('/');
  settings = {
    sources: lines.filter((l) => l[0] === 'source').map((l) => rel(l[1]!)),
    shellSources: lines.filter((l) => l[0] === 'shell').map((l) => rel(l[1]!)),
    top: lines.find((l) => l[0] === 'top')![1]!,
    shellTop: lines.find((l) => l[0] === 'shell_top')![1]!,
  };
}, 180_000);

describe('the file lists of settings.tcl (LeNet-5)', () => {
  it('are the manifest\'s rtl and shell.rtl, each file once, and the tops are the manifest\'s', () => {
    expect(settings.sources).toEqual([...manifest.rtl]);
    expect(settings.shellSources).toEqual([...manifest.shell.rtl]);
    expect(new Set([...settings.sources, ...settings.shellSources]).size).toBe(settings.sources.length + settings.shellSources.length);
    expect(settings.top).toBe(manifest.top);
    expect(settings.shellTop).toBe(manifest.shell.top);
    expect(settings.shellTop).toBe(`${manifest.design}_dma`);
  });

  const read = (files: readonly string[]): Record<string, string> => Object.fromEntries(files.map((f) => [f, readFileSync(path.join(design, f), 'utf8')]));

  for (const flow of ['design', 'shell'] as const) {
    it(
      `hold every module the ${flow} top needs and none it does not`,
      async () => {
        const files = read(flow === 'design' ? settings.sources : [...settings.sources, ...settings.shellSources]);
        const top = flow === 'design' ? settings.top : settings.shellTop;
        const used = await usedModules(files, top);
        for (const [file, text] of Object.entries(files)) {
          const defined = modulesOf(text);
          expect(defined.length, `${file} defines no module`).toBeGreaterThan(0);
          for (const m of defined) expect(used.has(m), `${file}: module ${m} is not used below ${top}`).toBe(true);
        }
      },
      300_000,
    );

    if (flow === 'design') {
      it(
        'the module check fails on a missing file and sees an unused one',
        async () => {
          const files = read(settings.sources);
          const missing = { ...files };
          delete missing['rtl/potgen_window.v'];
          await expect(usedModules(missing, settings.top)).rejects.toThrow(/potgen_window/);
          const used = await usedModules({ ...files, 'rtl/extra.v': 'module potgen_extra (input wire a, output wire b);\n  assign b = a;\nendmodule\n' }, settings.top);
          expect(used.has('potgen_extra')).toBe(false);
          expect(used.has('potgen_window')).toBe(true);
        },
        300_000,
      );
    }

    it(
      `synthesise for UltraScale+ from the ${flow} top without a latch`,
      async () => {
        const files = read(flow === 'design' ? settings.sources : [...settings.sources, ...settings.shellSources]);
        const top = flow === 'design' ? settings.top : settings.shellTop;
        const r = await synthesiseXilinx(files, top);
        expect(r.top).toBe(top);
        expect(r.latches).toBe(0);
        expect(r.luts).toBeGreaterThan(0);
        expect(r.flipFlops).toBeGreaterThan(0);
      },
      900_000,
    );
  }
});
