#!/usr/bin/env node
// Compiles potgen's TypeScript sources once into dist/potgen.mjs, so that the command starts
// without transpiling anything. `npm ci` runs it (the `prepare` script); bin/potgen.js calls
// `ensureBuilt()` at every start, which rebuilds only when a source is newer than the bundle
// (about 0.1 s), so a developer's edit is never run stale.
//
// The bundle holds potgen's own code only; npm packages stay external and load from node_modules,
// which is why the bundle must live inside the package (relative to node_modules).
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'generator');
const entry = path.join(sources, 'cli', 'main.ts');
/** The compiled command. */
export const BUNDLE = path.join(root, 'dist', 'potgen.mjs');

/** The newest modification time among the files the bundle is made from. */
function newestSource() {
  let newest = Math.max(statSync(path.join(root, 'package.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(sources);
  return newest;
}

/** Whether the bundle is missing or older than a source. */
export function isStale() {
  return !existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < newestSource();
}

/**
 * Builds the bundle and its source map in a folder of their own and renames them into place, map
 * first, so that concurrent starts never see half a file.
 */
export async function build() {
  const esbuild = await import('esbuild');
  const partial = path.join(path.dirname(BUNDLE), `.partial-${process.pid}`);
  const name = path.basename(BUNDLE);
  try {
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(partial, name),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'error',
      banner: { js: '// potgen, compiled from generator/ by scripts/build.js. Do not edit: edit the TypeScript sources.' },
    });
    renameSync(path.join(partial, `${name}.map`), `${BUNDLE}.map`);
    renameSync(path.join(partial, name), BUNDLE);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * The path of an up-to-date bundle, rebuilding it when stale; undefined when it cannot be built
 * here (a read-only install whose bundle is missing), so that the caller can fall back.
 */
export async function ensureBuilt() {
  if (!isStale()) return BUNDLE;
  try {
    await build();
    return BUNDLE;
  } catch (e) {
    if (existsSync(BUNDLE)) {
      process.stderr.write(`potgen: warning: could not rebuild ${BUNDLE} (${e.message}); running the existing bundle.\n`);
      return BUNDLE;
    }
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await build();
  process.stdout.write(`potgen: compiled ${path.relative(root, BUNDLE)} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
}
