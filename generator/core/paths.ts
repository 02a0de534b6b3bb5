/** Where potgen's own files are, and how paths are shown to users and written into generated files. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding potgen's package.json (templates/, testbench/, the DSL sources): found by
 * walking up from this file, so it is right both for the TypeScript sources and a compiled bundle.
 */
export const PACKAGE_ROOT: string = findUp(path.dirname(fileURLToPath(import.meta.url)), 'package.json');

function findUp(start: string, marker: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, marker))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** Shows a path relative to the working directory when it lies below it, as compilers do. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
