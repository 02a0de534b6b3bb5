/**
 * The emitters: pure functions from the hardware IR (and golden vectors) to a BuildPlan, a sorted
 * map from relative path to file text. Nothing here touches the disk; ../write does.
 */
import { dmaShellModuleName, dmaTestbenchModuleName, testbenchModuleName, topModuleName } from '../core/names.ts';
import type { BuildPlan, DesignManifest, LayerSummary, ShellManifest } from '../core/plan.ts';
import type { NetworkHW } from '../ir/types.ts';
import { kindOf, type LayerHW } from '../layers/registry.ts';
import type { Vectors } from '../reference/vectors.ts';
import { emitLayer, type Origin } from './emitLayers.ts';
import { beatsHex, emitTestbench, linkVectorFile, VECTOR_FILES } from './emitTestbench.ts';
import { emitTop } from './emitTop.ts';
import { libraryFiles } from './templates.ts';
import { laneUse } from '../passes/laneUse.ts';
import { DEFAULT_BOARD, loadBoard } from '../vivado/boards.ts';
import { driverFileName, emitDriver } from '../vivado/driver.ts';
import { emitShell, emitShellTestbench, SHELL_LIBRARY } from '../vivado/emitShell.ts';
import { emitVivadoSettings, staticScripts } from '../vivado/settings.ts';
import { streamLayout, type StreamLayout } from '../vivado/streamLayout.ts';

export type { Origin } from './emitLayers.ts';

/** Emits RTL, testbench, vectors and the manifest of a design. `steadyFrames` of the vectors run at full rate. */
export function emitDesign(hw: NetworkHW, vectors: Vectors, steadyFrames: number, origin: Origin): BuildPlan {
  const files = new Map<string, string>();
  // Only the library modules the layers use, so that rtl/ holds nothing unused.
  const library = new Set(hw.layers.flatMap((l) => kindOf(l).library));
  for (const [name, text] of libraryFiles(library)) files.set(`rtl/${name}`, text);
  for (const layer of hw.layers) {
    for (const [name, text] of emitLayer(layer, origin)) files.set(`rtl/${name}`, text);
  }
  const top = topModuleName(hw.name);
  files.set(`rtl/${top}.v`, emitTop(hw, origin));
  const tb = testbenchModuleName(hw.name);
  files.set(`tb/${tb}.v`, emitTestbench(hw, vectors, steadyFrames, origin));
  files.set(`tb/${VECTOR_FILES.input}`, beatsHex(vectors.input, vectors.inputWidth, false));
  files.set(`tb/${VECTOR_FILES.expected}`, beatsHex(vectors.expected, vectors.outputWidth, true));
  vectors.links.forEach((link, i) => files.set(`tb/${linkVectorFile(i + 1)}`, beatsHex(link.beats, link.width, true)));
  const rtl = [...files.keys()].filter((p) => p.startsWith('rtl/')).sort();
  const shell = emitBoardFiles(hw, vectors, rtl, origin, files);
  const use = laneUse(hw);
  const manifest: DesignManifest = {
    design: hw.name,
    top,
    testbench: tb,
    source: origin.source,
    rtl,
    tb: [`tb/${tb}.v`],
    frames: vectors.frames,
    steadyFrames,
    cyclesPerFrame: hw.cyclesPerFrame,
    layers: hw.layers.map(summarise),
    lanes: { lanes: use.lanes, macs: use.macs, utilisation: use.utilisation },
    shell,
  };
  files.set('potgen.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * What a board needs beside the design: the board shell `<design>_dma` (and its library module),
 * the Vivado settings and static scripts, and the PYNQ driver. A design whose streams are wider
 * than AXI DMA's widest gets none of them, and the manifest says why.
 */
function emitBoardFiles(hw: NetworkHW, vectors: Vectors, rtl: readonly string[], origin: Origin, files: Map<string, string>): DesignManifest['shell'] {
  let layout: StreamLayout;
  try {
    layout = streamLayout(hw);
  } catch (e) {
    if (e instanceof RangeError) return { unavailable: e.message };
    throw e;
  }
  const top = dmaShellModuleName(hw.name);
  const testbench = dmaTestbenchModuleName(hw.name);
  const shell: ShellManifest = { top, rtl: [`rtl/${top}.v`, ...SHELL_LIBRARY.map((m) => `rtl/${m}.v`)].sort(), testbench, tb: [`tb/${testbench}.v`], layout };
  files.set(`rtl/${top}.v`, emitShell(hw, layout, origin));
  for (const [name, text] of libraryFiles(new Set(SHELL_LIBRARY))) files.set(`rtl/${name}`, text);
  files.set(`tb/${testbench}.v`, emitShellTestbench(hw, vectors, layout, origin));
  files.set('vivado/settings.tcl', emitVivadoSettings({ design: hw.name, top: topModuleName(hw.name), rtl, shell }, { board: loadBoard(DEFAULT_BOARD) }, origin));
  for (const [name, text] of staticScripts()) files.set(`vivado/${name}`, text);
  files.set(`driver/${driverFileName(hw.name)}`, emitDriver(hw, origin));
  return shell;
}

function summarise(layer: LayerHW): LayerSummary {
  return { kind: layer.kind, name: layer.name, module: layer.moduleName, cyclesPerFrame: layer.cyclesPerFrame, ...kindOf(layer).manifest(layer) };
}
