/** Reading a built design's potgen.json, with a clear error when the folder is not a design. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DesignManifest } from '../emit/emitDesign.ts';
import { PotgenError } from '../core/errors.ts';

/** The manifest of the design built into `designDir`. */
export function readManifest(designDir: string): DesignManifest {
  const file = path.join(designDir, 'potgen.json');
  if (!existsSync(file)) {
    throw new PotgenError(`${designDir} is not a potgen design (it has no potgen.json); build one with \`potgen build <model.ts> -o ${designDir}\`.`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as DesignManifest;
}

/** The design's RTL files, base name → text, as synthesis reads them. */
export function readRtlFiles(designDir: string, manifest: DesignManifest = readManifest(designDir)): Record<string, string> {
  return Object.fromEntries(manifest.rtl.map((f) => [path.basename(f), readFileSync(path.join(designDir, f), 'utf8')]));
}
