/**
 * The only disk write: a BuildPlan lands in its output folder atomically. Files are written to a
 * fresh sibling folder first and swapped in with renames, so a failure leaves either the previous
 * build or nothing, never a half-written design.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import type { BuildPlan } from '../emit/emitDesign.ts';

/** Writes `plan` to `outDir`, replacing a previous build there. */
export function writePlan(plan: BuildPlan, outDir: string): void {
  const target = path.resolve(outDir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new PotgenError(`The output path ${outDir} exists and is not a folder.`);
  }
  if (existsSync(target) && !existsSync(path.join(target, 'potgen.json')) && !isEmptyDir(target)) {
    throw new PotgenError(`The output folder ${outDir} holds files that potgen did not write; choose another folder or empty it.`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const staging = `${target}.partial-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [rel, text] of plan) {
      const file = path.join(staging, ...rel.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
}

function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).length === 0;
}
