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

/** `<design>_tb`: the testbench. */
export function testbenchModuleName(design: string): string {
  return `${design}_tb`;
}
