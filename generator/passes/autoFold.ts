/**
 * Automatic folding: chooses PE and SIMD for every weighted layer the model leaves them open, so
 * that the network meets a target of cycles per inference with the fewest multiply lanes.
 *
 * In a streaming pipeline the slowest layer sets the pace, so each layer only has to meet the
 * target on its own, and the cheapest network is each layer's cheapest choice that does: the
 * search is per layer and exhaustive over the foldings the RTL supports (PE dividing the outputs,
 * SIMD dividing the channels or spanning whole kernel taps). Among choices of equal lanes it takes
 * the one reading fewer taps per step (a window-spanning SIMD costs a line-buffer read port per
 * tap), then the slower one (it leaves more slack to the pace-setting layer), then the smaller PE.
 *
 * Explicit values win: a PE or SIMD the model file gives is kept, and only the other is chosen.
 * Layers whose weights are fixed into logic are already unrolled and are left as they are.
 */
import { PotgenError } from '../core/errors.ts';
import type { NetworkIR } from '../ir/types.ts';
import type { ConvIR } from '../layers/convEngine.ts';
import { kindOf } from '../layers/registry.ts';
import { simdChoices, simdLayout, windowCyclesPerFrame } from '../layers/window.ts';

/** Which of a layer's PE and SIMD the model file gave. */
export interface ExplicitFolding {
  readonly pe: boolean;
  readonly simd: boolean;
}

export interface FoldChoice {
  readonly layer: string;
  readonly pe: number;
  readonly simd: number;
  readonly lanes: number;
  readonly cyclesPerFrame: number;
  /** auto: chosen here; explicit: both from the model file; partly: one chosen, one given; fixed: no lanes or weights in logic. */
  readonly how: 'auto' | 'explicit' | 'partly' | 'fixed';
}

/** The divisors of n, ascending. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** A weighted layer's cycles per inference at (pe, simd). */
export function foldedCycles(layer: ConvIR, pe: number, simd: number): number {
  const layout = simdLayout(simd, layer.input.channels, layer.kernel);
  if (!layout) throw new RangeError(`simd ${simd} does not fit layer ${layer.name}`);
  return windowCyclesPerFrame(layer.input, layer.output, (layer.output.channels / pe) * layout.steps);
}

/**
 * The IR with PE and SIMD chosen for `targetCycles`, and the choice per layer (every layer with
 * lanes, in order). `explicit` names the values the model file gave, by layer name.
 * @throws PotgenError when a layer cannot meet the target at any folding it may take.
 */
export function autoFold(ir: NetworkIR, targetCycles: number, explicit: ReadonlyMap<string, ExplicitFolding>): { ir: NetworkIR; choices: FoldChoice[] } {
  const choices: FoldChoice[] = [];
  const layers = ir.layers.map((layer) => {
    const kind = kindOf(layer);
    if (!kind.weighted) {
      const cycles = kind.lower(layer, layer.name).cyclesPerFrame;
      if (cycles > targetCycles) {
        throw new PotgenError(`No folding reaches ${targetCycles} cycles per inference: layer ${layer.name} (${layer.kind}) takes ${cycles}, one input pixel a cycle. Aim for at least ${cycles}.`);
      }
      return layer;
    }
    const conv = layer as ConvIR;
    const given = explicit.get(conv.name) ?? { pe: false, simd: false };
    const fixed = conv.weightStorage === 'logic' || (given.pe && given.simd);
    const pes = fixed || given.pe ? [conv.pe] : divisors(conv.output.channels);
    const simds = fixed || given.simd ? [conv.simd] : simdChoices(conv.input.channels, conv.kernel);
    let best: { pe: number; simd: number; lanes: number; taps: number; cycles: number } | undefined;
    let fastest = Infinity;
    for (const pe of pes) {
      for (const simd of simds) {
        const cycles = foldedCycles(conv, pe, simd);
        fastest = Math.min(fastest, cycles);
        if (cycles > targetCycles) continue;
        const c = { pe, simd, lanes: pe * simd, taps: simdLayout(simd, conv.input.channels, conv.kernel)!.taps, cycles };
        if (!best || c.lanes < best.lanes || (c.lanes === best.lanes && (c.taps < best.taps || (c.taps === best.taps && (c.cycles > best.cycles || (c.cycles === best.cycles && c.pe < best.pe)))))) best = c;
      }
    }
    if (!best) {
      const why = conv.weightStorage === 'logic' ? 'its weights are in logic, unrolled' : given.pe && given.simd ? `the model file fixes pe ${conv.pe} and simd ${conv.simd}` : given.pe ? `the model file fixes pe ${conv.pe}` : given.simd ? `the model file fixes simd ${conv.simd}` : 'even fully unrolled';
      throw new PotgenError(
        `No folding reaches ${targetCycles} cycles per inference: layer ${conv.name} takes at least ${fastest} (${why}). Aim for at least ${fastest}${given.pe || given.simd ? ', or leave its pe and simd out of the model file' : ''}.`,
      );
    }
    const how = conv.weightStorage === 'logic' ? 'fixed' : given.pe && given.simd ? 'explicit' : given.pe || given.simd ? 'partly' : 'auto';
    choices.push({ layer: conv.name, pe: best.pe, simd: best.simd, lanes: best.lanes, cyclesPerFrame: best.cycles, how });
    return { ...conv, pe: best.pe, simd: best.simd };
  });
  return { ir: { ...ir, layers: layers as NetworkIR['layers'] }, choices };
}
