/**
 * Golden vectors: the stream beats that go into the design and the beats that must come out,
 * computed by the reference model. Beats are packed exactly as the AXI4-Stream carries them.
 */
import type { FeatureMap } from '../core/shapes.ts';
import type { NetworkHW } from '../ir/types.ts';
import { runNetwork } from './referenceModel.ts';

/** One stream beat: its bits as an unsigned integer, and tlast. */
export interface Beat {
  readonly data: bigint;
  readonly last: boolean;
}

/** Input and expected output beats for a sequence of frames. */
export interface Vectors {
  readonly frames: number;
  readonly inputWidth: number;
  readonly outputWidth: number;
  readonly input: readonly Beat[];
  readonly expected: readonly Beat[];
  /**
   * The beats between layers: links[i] is what layer i sends layer i + 1 (every layer but the
   * last), for every frame. Gate-level checks compare the netlist's inner streams with them, since
   * a network's last output (a class index, say) can survive a fault upstream.
   */
  readonly links: readonly { readonly layer: string; readonly width: number; readonly beats: readonly Beat[] }[];
}

/** Packs a pixel's channels, channel 0 in the low bits; signed values as two's complement. */
export function packPixel(map: FeatureMap, pixel: number, bits: number): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  let word = 0n;
  for (let c = map.channels - 1; c >= 0; c--) word = (word << BigInt(bits)) | (BigInt(map.data[pixel * map.channels + c]!) & mask);
  return word;
}

/** Beats of a whole feature map in raster order, tlast on the last pixel. */
export function mapBeats(map: FeatureMap, bits: number): Beat[] {
  const pixels = map.height * map.width;
  return Array.from({ length: pixels }, (_, i) => ({ data: packPixel(map, i, bits), last: i === pixels - 1 }));
}

/** Runs the reference model over `images` and packs input and expected beats. */
export function makeVectors(hw: NetworkHW, images: readonly FeatureMap[]): Vectors {
  const last = hw.layers[hw.layers.length - 1]!;
  const input: Beat[] = [];
  const expected: Beat[] = [];
  const links = hw.layers.slice(0, -1).map((layer) => ({ layer: layer.name, width: layer.output.channels * layer.outputBits, beats: [] as Beat[] }));
  for (const image of images) {
    input.push(...mapBeats(image, hw.input.bits));
    const outputs = runNetwork(hw, image);
    expected.push(...mapBeats(outputs[outputs.length - 1]!, last.outputBits));
    links.forEach((link, i) => link.beats.push(...mapBeats(outputs[i]!, hw.layers[i]!.outputBits)));
  }
  return {
    frames: images.length,
    inputWidth: hw.input.channels * hw.input.bits,
    outputWidth: last.output.channels * last.outputBits,
    input,
    expected,
    links,
  };
}
