/** Where potgen's own files are, and how paths are shown to users and written into generated files. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding potgen's package.json (templates/, testbench/, the DSL sources): found by
 * walking up from this file, so it is right both for the TypeScript sources and a compiled bundle.
 */
export const PACKAGE_ROOT: string = findUp(path.dirname(fileURLToPath(import.meta.url)), 'package.json');

/** potgen's version, named in every generated file. */
export const POTGEN_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

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

/**
 * How generated files name the model they came from: its path relative to the project that holds
 * it (the nearest folder above it with a package.json or .git), else its file name. Never the
 * working directory or an absolute path, so the same model gives the same files wherever potgen
 * runs from.
 */
export function sourceName(file: string): string {
  const abs = path.resolve(file);
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, '.git'))) {
      return path.relative(dir, abs).split(path.sep).join('/');
    }
    if (path.dirname(dir) === dir) return path.basename(abs);
  }
}

/** A label (a variant, a point) as a folder name: anything but letters, digits, '.', '_', '-' becomes '-'. */
export function folderName(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '-');
}
