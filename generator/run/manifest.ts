/** Reading a built design's potgen.json, with a clear error when the folder is not a sound design. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import type { DesignManifest } from '../core/plan.ts';

/** The manifest of the design built into `designDir`, checked field by field and file by file. */
export function readManifest(designDir: string): DesignManifest {
  const file = path.join(designDir, 'potgen.json');
  if (!existsSync(file)) {
    throw new PotgenError(`${designDir} is not a potgen design (it has no potgen.json); build one with \`potgen build <model.ts> -o ${designDir}\`.`);
  }
  const damaged = (why: string): PotgenError =>
    new PotgenError(`${file} is damaged (${why}); rebuild the design with \`potgen build <model.ts> -o ${designDir}\`.`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw damaged(`it is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw damaged('it does not hold an object');
  const m = data as Record<string, unknown>;
  for (const key of ['design', 'top', 'testbench', 'source'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') throw damaged(`'${key}' is not a name`);
  }
  for (const key of ['frames', 'steadyFrames', 'cyclesPerFrame'] as const) {
    if (typeof m[key] !== 'number' || !Number.isInteger(m[key]) || (m[key] as number) < 1) throw damaged(`'${key}' is not a positive whole number`);
  }
  /** A non-empty list of relative paths to files that exist in the design folder. */
  const checkFiles = (list: unknown, key: string): void => {
    if (!Array.isArray(list) || list.length === 0 || list.some((f) => typeof f !== 'string' || f.includes('..') || path.isAbsolute(f))) {
      throw damaged(`'${key}' is not a list of the design's files`);
    }
    for (const f of list as string[]) {
      if (!existsSync(path.join(designDir, f))) throw damaged(`it lists ${f}, which is missing`);
    }
  };
  for (const key of ['rtl', 'tb'] as const) checkFiles(m[key], key);
  const shell = m.shell as Record<string, unknown> | undefined;
  if (typeof shell !== 'object' || shell === null || (typeof shell.unavailable !== 'string' && typeof shell.top !== 'string')) {
    throw damaged("'shell' is neither a board shell nor the reason there is none");
  }
  if (typeof shell.top === 'string') for (const key of ['rtl', 'tb'] as const) checkFiles(shell[key], `shell.${key}`);
  if (!Array.isArray(m.layers) || m.layers.some((l) => typeof l !== 'object' || l === null || typeof (l as { kind?: unknown }).kind !== 'string')) {
    throw damaged("'layers' is not a list of layers");
  }
  return m as unknown as DesignManifest;
}

/** The design's RTL files, base name → text, as synthesis reads them. */
export function readRtlFiles(designDir: string, manifest: DesignManifest = readManifest(designDir)): Record<string, string> {
  return Object.fromEntries(manifest.rtl.map((f) => [path.basename(f), readFileSync(path.join(designDir, f), 'utf8')]));
}
