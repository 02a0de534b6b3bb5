/** The block models netsim simulates block RAMs and DSP slices with, by primitive type. */
import { ramb18e2, ramb36e2 } from './blockRam.ts';
import { dsp48e2 } from './dsp48e2.ts';
import type { BlockModels } from './engine.ts';

export const BLOCK_MODELS: BlockModels = { RAMB18E2: ramb18e2, RAMB36E2: ramb36e2, DSP48E2: dsp48e2 };
