/**
 * How busy a network's multiply lanes are: multiply-accumulates per inference divided by
 * (lanes × cycles per inference). A layer's lanes are PE × SIMD; they work only while the layer
 * has a step to do, so in a pipeline paced by its slowest layer every other layer's lanes idle
 * part of the time. The figure says how much of the hardware the folding leaves unused.
 */
import type { NetworkHW } from '../ir/types.ts';
import { windowFanIn, type ConvHW } from '../layers/convEngine.ts';
import { kindOf } from '../layers/registry.ts';

export interface LayerLanes {
  readonly layer: string;
  readonly pe: number;
  readonly simd: number;
  /** PE × SIMD. */
  readonly lanes: number;
  /** Multiply-accumulates per inference. */
  readonly macs: number;
  /** The layer's own cycles per inference. */
  readonly cyclesPerFrame: number;
  /** macs ÷ (lanes × the network's cycles per inference). */
  readonly utilisation: number;
}

export interface LaneUse {
  readonly lanes: number;
  readonly macs: number;
  readonly cyclesPerFrame: number;
  /** macs ÷ (lanes × cyclesPerFrame). */
  readonly utilisation: number;
  readonly layers: readonly LayerLanes[];
}

/** Lanes, multiply-accumulates and utilisation of every weighted layer and of the network. */
export function laneUse(hw: NetworkHW): LaneUse {
  const layers = hw.layers
    .filter((l) => kindOf(l).weighted)
    .map((l) => {
      const conv = l as ConvHW;
      const lanes = conv.pe * conv.simd;
      const macs = conv.output.height * conv.output.width * conv.output.channels * windowFanIn(conv);
      return { layer: conv.name, pe: conv.pe, simd: conv.simd, lanes, macs, cyclesPerFrame: conv.cyclesPerFrame, utilisation: macs / (lanes * hw.cyclesPerFrame) };
    });
  const lanes = layers.reduce((s, l) => s + l.lanes, 0);
  const macs = layers.reduce((s, l) => s + l.macs, 0);
  return { lanes, macs, cyclesPerFrame: hw.cyclesPerFrame, utilisation: lanes === 0 ? 0 : macs / (lanes * hw.cyclesPerFrame), layers };
}
