/**
 * A cache of compiled model files, so that building an unchanged model again skips the
 * TypeScript compiler (about a second). An entry is found by the model's path and used only when
 * the content of every file the model's load read (the model, its helpers, the JSON it imported)
 * and of potgen itself is what it was: a content hash, never a date.
 *
 * Only loads that succeeded are stored. The cache lives in $POTGEN_CACHE, else
 * $XDG_CACHE_HOME/potgen, else ~/.cache/potgen; when it cannot be read or written, loads simply
 * run uncached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { POTGEN_VERSION } from '../core/paths.ts';
import { DSL_ENTRY, type CompiledFile } from './compile.ts';

/** A stored load: the files it depended on, by content hash, and the compiled user files. */
interface Entry {
  readonly potgen: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly compiled: readonly CompiledFile[];
}

/** Entries kept; beyond this, the least recently written go. */
const MAX_ENTRIES = 256;

/** The folder holding cache entries. */
function cacheDir(): string {
  if (process.env.POTGEN_CACHE) return process.env.POTGEN_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'potgen', 'models');
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * potgen's own part of the key: its version, the DSL's declarations (they decide what type-checks)
 * and the code that compiles and runs model files (this module's file, or the bundle it is in).
 */
let potgenDigest: string | undefined;
function potgen(): string {
  if (!potgenDigest) {
    const dsl = path.dirname(DSL_ENTRY);
    const parts = [POTGEN_VERSION, readFileSync(DSL_ENTRY), readFileSync(path.join(dsl, 'types.ts')), readFileSync(fileURLToPath(import.meta.url))];
    for (const sibling of ['compile.ts', 'evaluate.ts']) {
      try {
        parts.push(readFileSync(fileURLToPath(new URL(`./${sibling}`, import.meta.url))));
      } catch {
        // In the bundle, the loader's modules are part of this file already.
      }
    }
    potgenDigest = sha256(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  }
  return potgenDigest;
}

function entryFile(model: string): string {
  return path.join(cacheDir(), `${sha256(model)}.json`);
}

/** The compiled files of `model` if every input is unchanged, else undefined. */
export function readCachedLoad(model: string): ReadonlyMap<string, CompiledFile> | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryFile(model), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  try {
    if (entry.potgen !== potgen()) return undefined;
    for (const [file, hash] of Object.entries(entry.inputs)) if (sha256(readFileSync(file)) !== hash) return undefined;
  } catch {
    return undefined;
  }
  return new Map(entry.compiled.map((c) => [c.file, c]));
}

/** Stores a successful load: the compiled files, and the hash of every file it read. */
export function writeCachedLoad(model: string, compiled: readonly CompiledFile[], readFiles: Iterable<string>): void {
  const inputs: Record<string, string> = {};
  try {
    for (const file of [...readFiles].sort()) inputs[file] = sha256(readFileSync(file));
    const entry: Entry = { potgen: potgen(), inputs, compiled };
    const target = entryFile(model);
    mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, target);
    evict(path.dirname(target));
  } catch {
    // A cache that cannot be written only makes the next load slower.
    rmSync(`${entryFile(model)}.${process.pid}.partial`, { force: true });
  }
}

/** Keeps the cache folder to MAX_ENTRIES entries, dropping the oldest. */
function evict(dir: string): void {
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const byAge = entries.map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of byAge.slice(0, entries.length - MAX_ENTRIES)) rmSync(path.join(dir, f), { force: true });
}
