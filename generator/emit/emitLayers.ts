/** Renders the files each layer kind describes (template parameters, ROM contents) into Verilog. */
import { addressBits, hexLiteral } from '../core/verilog.ts';
import type { LayerFile, RomContents } from '../layers/kind.ts';
import { kindOf, type LayerHW } from '../layers/registry.ts';
import { render, TEMPLATE_DIR } from './templates.ts';

/** Header values every generated file carries: the tool's version and the model it came from. */
export interface Origin {
  readonly version: string;
  readonly source: string;
}

/** The header fields of one generated file. */
export function header(file: string, origin: Origin): { file: string; version: string; source: string } {
  return { file, ...origin };
}

/** The generated Verilog of one layer: `<module>.v` → text. */
export function emitLayer(layer: LayerHW, origin: Origin): [string, string][] {
  return kindOf(layer).emit(layer).map((f: LayerFile) => [`${f.module}.v`, renderLayerFile(f, origin)]);
}

function renderLayerFile(f: LayerFile, origin: Origin): string {
  const head = header(`${f.module}.v`, origin);
  if (f.kind === 'template') return render(TEMPLATE_DIR, f.template, { ...head, module: f.module, ...f.values });
  return emitRom(f.module, f.rom, head);
}

/** A ROM as a registered case statement, one word per address. */
function emitRom(module: string, rom: RomContents, head: object): string {
  const bits = addressBits(rom.words.length);
  return render(TEMPLATE_DIR, 'rom.v.hbs', {
    ...head,
    description: rom.description,
    layout: rom.layout,
    module,
    addrMsb: bits - 1,
    wordMsb: rom.width - 1,
    words: rom.words.map((w, i) => ({ address: `${bits}'d${i}`, value: hexLiteral(w, rom.width) })),
    needsDefault: rom.words.length < 2 ** bits,
    zero: `{${rom.width}{1'b0}}`,
  });
}
