/**
 * A content-hash cache of small measurement results (a design's activity, a few kB of JSON), so a
 * second `potgen compare` of unchanged designs skips synthesis and simulation. An entry is found
 * by the SHA-256 of everything that determines the result, never by a date. Entries live in
 * `activity/` under $POTGEN_CACHE, else $XDG_CACHE_HOME/potgen, else ~/.cache/potgen; when that
 * cannot be read or written, measurements simply run uncached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder holding activity entries. */
export function activityCacheDir(): string {
  const root = process.env.POTGEN_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'potgen');
  return path.join(root, 'activity');
}

/** Hashes `parts` in order; each part is length-prefixed, so no two different lists collide by concatenation. */
export function contentKey(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function entryFile(key: string, suffix: string): string {
  return path.join(activityCacheDir(), `${key}${suffix}`);
}

/** The text stored under `key` (and `suffix`), or undefined when there is none or it cannot be read. */
export function readCached(key: string, suffix = '.json'): string | undefined {
  try {
    return readFileSync(entryFile(key, suffix), 'utf8');
  } catch {
    return undefined;
  }
}

/** Stores `text` under `key` atomically (written aside, then renamed); failures are ignored. */
export function writeCached(key: string, text: string, suffix = '.json'): void {
  const file = entryFile(key, suffix);
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}
