/** A report file written whole or not at all, for the commands that write reports beside designs. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes a text file whole or not at all: a temporary sibling renamed into place. */
export function writeWhole(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}
