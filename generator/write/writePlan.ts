/**
 * The only disk write: a BuildPlan lands in its output folder atomically. Files are written to a
 * fresh sibling folder first and swapped in with renames, so a failure leaves either the previous
 * build or nothing, never a half-written design. Every way the file system can refuse is turned
 * into a sentence that names the path.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PotgenError } from '../core/errors.ts';
import type { BuildPlan } from '../core/plan.ts';

/** Writes `plan` to `outDir`, replacing a previous build there. */
export function writePlan(plan: BuildPlan, outDir: string): void {
  const target = path.resolve(outDir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new PotgenError(`The output path ${outDir} exists and is not a folder.`);
  }
  if (existsSync(target) && !existsSync(path.join(target, 'potgen.json')) && readdirSync(target).length > 0) {
    throw new PotgenError(`The output folder ${outDir} holds files that potgen did not write; choose another folder or empty it.`);
  }
  makeFolders(path.dirname(target), outDir);
  let staging: string;
  try {
    staging = mkdtempSync(`${target}.partial-`);
  } catch (e) {
    throw cannotWrite(outDir, e);
  }
  const old = `${staging}.old`;
  try {
    for (const [rel, text] of plan) {
      const file = path.join(staging, ...rel.split('/'));
      mkdirSync(path.dirname(file), { recursive: true }); // inside the fresh staging folder: plain folders
      writeFileSync(file, text);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw cannotWrite(outDir, e);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. (Node's recursive mkdir never
 * returns on some file systems, /proc among them, where mkdir keeps answering ENOENT.)
 */
function makeFolders(dir: string, outDir: string): void {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const up = path.dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  if (!statSync(existing).isDirectory()) {
    throw new PotgenError(`Cannot write the design to ${outDir}: ${existing} is a file, not a folder.`);
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      throw cannotWrite(outDir, e, folder);
    }
  }
}

/** The error for a refused write, with the file system's reason in words. */
function cannotWrite(outDir: string, e: unknown, folder?: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Readonly<Record<string, string>> = {
    EACCES: 'permission denied',
    EPERM: 'the operation is not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    ENAMETOOLONG: 'a path is too long for the file system',
    ENOTDIR: 'part of the path is a file, not a folder',
    ENOENT: 'the file system does not allow creating it',
    EEXIST: 'a file of that name is in the way',
  };
  const reason = code ? reasons[code] : undefined;
  if (!reason) return e;
  return new PotgenError(`Cannot write the design to ${outDir}${folder ? ` (creating ${folder})` : ''}: ${reason}.`, { cause: e });
}
