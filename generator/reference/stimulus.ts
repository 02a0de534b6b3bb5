/**
 * Test stimulus whose checked outputs vary. A testbench can only catch an output stuck at one
 * value if the expected values differ between frames: a random network ending in arg-max may give
 * the same class for nearly every noise image, so that a broken arg-max would pass. Candidates are
 * run through the reference model, and frames are picked greedily for outputs not seen yet.
 */
import type { FeatureMap } from '../core/shapes.ts';
import type { NetworkIR } from '../ir/types.ts';
import { runNetwork } from './referenceModel.ts';

/** The chosen frames, how many distinct outputs they give, and what the build should say if too few. */
export interface Stimulus {
  readonly images: readonly FeatureMap[];
  readonly distinctOutputs: number;
  readonly note: string | undefined;
}

/** Candidates tried, at most, beyond the frames needed. */
const SEARCH_LIMIT = 256;

/**
 * Picks `count` images from `candidates` (in order), preferring ones whose network output differs
 * from every output picked so far; once no new output turns up, the rest are taken in order.
 */
export function chooseStimulus(ir: NetworkIR, candidates: Iterable<FeatureMap>, count: number): Stimulus {
  const last = ir.layers[ir.layers.length - 1]!;
  const isClass = last.kind === 'argmax';
  const classes = isClass ? last.input.channels : Infinity;
  const want = Math.min(count, classes);
  const picked: FeatureMap[] = [];
  const spare: FeatureMap[] = [];
  const seen = new Set<string>();
  let tried = 0;
  for (const image of candidates) {
    if (picked.length >= count || (seen.size >= want && picked.length + spare.length >= count) || tried >= count + SEARCH_LIMIT) break;
    tried++;
    const out = runNetwork(ir, image).at(-1)!;
    const key = out.data.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      picked.push(image);
    } else if (spare.length < count) {
      spare.push(image);
    }
  }
  const images = [...picked, ...spare].slice(0, count);
  // Every picked frame has an output of its own, every spare one repeats a picked output.
  const distinct = Math.min(picked.length, count);
  let note: string | undefined;
  if (count > 1 && distinct < Math.min(count, isClass ? 2 : count)) {
    note = isClass
      ? `the ${count} test frames all give the same class (none of ${tried} candidate images gave another), so the testbench cannot catch an arg-max stuck at that class; give the network a data set or other weights`
      : `the ${count} test frames give only ${distinct} distinct output map${distinct === 1 ? '' : 's'} (none of ${tried} candidate images gave more), so the testbench checks fewer cases than it runs`;
  }
  return { images, distinctOutputs: distinct, note };
}
