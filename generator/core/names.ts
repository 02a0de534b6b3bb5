/**
 * The names of a design's generated modules, in one place: validation checks them for clashes
 * before anything is built, the passes and the emitters give them.
 */

/** `<design>_<layer>`: a layer's module, and the prefix of its helpers (`_weights`, `_bias`). */
export function layerModuleName(design: string, layer: string): string {
  return `${design}_${layer}`;
}

/** `<design>_top`: the top level. */
export function topModuleName(design: string): string {
  return `${design}_top`;
}

/** `<design>_dma`: the top level for a board, the design between AXI DMA streams of whole bytes. */
export function dmaShellModuleName(design: string): string {
  return `${design}_dma`;
}

/** `<design>_dma_tb`: the board shell's testbench, driving it as AXI DMA does. */
export function dmaTestbenchModuleName(design: string): string {
  return `${design}_dma_tb`;
}

/** `<design>_tb`: the testbench. */
export function testbenchModuleName(design: string): string {
  return `${design}_tb`;
}
