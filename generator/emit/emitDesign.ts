/**
 * The emitters: pure functions from the hardware IR (and golden vectors) to a BuildPlan, a sorted
 * map from relative path to file text. Nothing here touches the disk; ../write does.
 */
import { testbenchModuleName, topModuleName } from '../core/names.ts';
import type { BuildPlan, DesignManifest, LayerSummary } from '../core/plan.ts';
import type { NetworkHW } from '../ir/types.ts';
import { kindOf, type LayerHW } from '../layers/registry.ts';
import type { Vectors } from '../reference/vectors.ts';
import { emitLayer, type Origin } from './emitLayers.ts';
import { beatsHex, emitTestbench, linkVectorFile, VECTOR_FILES } from './emitTestbench.ts';
import { emitTop } from './emitTop.ts';
import { libraryFiles } from './templates.ts';

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
  const manifest: DesignManifest = {
    design: hw.name,
    top,
    testbench: tb,
    source: origin.source,
    rtl: [...files.keys()].filter((p) => p.startsWith('rtl/')).sort(),
    tb: [`tb/${tb}.v`],
    frames: vectors.frames,
    steadyFrames,
    cyclesPerFrame: hw.cyclesPerFrame,
    layers: hw.layers.map(summarise),
  };
  files.set('potgen.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function summarise(layer: LayerHW): LayerSummary {
  return { kind: layer.kind, name: layer.name, module: layer.moduleName, cyclesPerFrame: layer.cyclesPerFrame, ...kindOf(layer).manifest(layer) };
}
