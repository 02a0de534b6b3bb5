/** The plain Verilog-2001 top level `<design>_top`: the layers chained by AXI4-Stream. */
import { topModuleName } from '../core/names.ts';
import type { NetworkHW } from '../ir/types.ts';
import { kindOf } from '../layers/registry.ts';
import { header, type Origin } from './emitLayers.ts';
import { render, TEMPLATE_DIR } from './templates.ts';

/** `<design>_top.v`: aclk, aresetn, s_axis_* and m_axis_*, ready for a block design beside an AXI DMA. */
export function emitTop(hw: NetworkHW, origin: Origin): string {
  const first = hw.layers[0]!;
  const last = hw.layers[hw.layers.length - 1]!;
  const linkName = (i: number): string => (i === 0 ? 's_axis' : i === hw.layers.length ? 'm_axis' : `link${i}`);
  const module = topModuleName(hw.name);
  return render(TEMPLATE_DIR, 'top.v.hbs', {
    ...header(`${module}.v`, origin),
    module,
    design: hw.name,
    layerCount: hw.layers.length,
    inH: first.input.height,
    inW: first.input.width,
    inC: first.input.channels,
    outLabel:
      kindOf(last).streamLabel?.(last) ??
      `one ${last.output.height}x${last.output.width} pixel per beat, ${last.output.channels} channels x ${last.outputBits} bits`,
    cyclesPerFrame: hw.cyclesPerFrame,
    inWidthMsb: first.input.channels * first.inputBits - 1,
    outWidthMsb: last.output.channels * last.outputBits - 1,
    links: hw.layers.slice(0, -1).map((layer, i) => ({
      name: linkName(i + 1),
      widthMsb: layer.output.channels * layer.outputBits - 1,
      unusedLast: true,
    })),
    layers: hw.layers.map((layer, i) => ({ module: layer.moduleName, name: layer.name, in: linkName(i), out: linkName(i + 1) })),
  });
}
