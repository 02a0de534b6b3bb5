/**
 * Loads a user's model file: type-checks it (errors with file:line:col before anything runs),
 * instruments DSL calls to record their source locations, then evaluates it. Compiling is
 * ./compile.ts (ts-morph), running is ./evaluate.ts; an unchanged model runs from ./modelCache.ts
 * without loading the TypeScript compiler at all.
 *
 * What a model file may do: it describes a network, so it may import only 'potgen', its own
 * relative .ts files and .json files; no Node built-ins and no npm packages, so that a model
 * builds the same everywhere. It runs in potgen's process and must finish within
 * EVALUATION_TIMEOUT_MS.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticsError, PotgenError } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import type { RawNetwork } from '../dsl/types.ts';
import { ModelCompiler, type CompiledFile } from './compile.ts';
import { evaluate, EVALUATION_TIMEOUT_MS, type EvaluationContext } from './evaluate.ts';
import { CallSiteRecorder, type Locator } from './locations.ts';
import { readCachedLoad, writeCachedLoad } from './modelCache.ts';

export { EVALUATION_TIMEOUT_MS } from './evaluate.ts';

/** A model file, evaluated: the network it exports and where each part of it was written. */
export interface LoadedModel {
  readonly file: string;
  readonly network: RawNetwork;
  readonly locator: Locator;
  /** Whether the compiled files came from the cache (no type check was needed: nothing changed). */
  readonly fromCache: boolean;
}

/** How to load. */
export interface LoadOptions {
  /** How long the model file may run; default EVALUATION_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Whether to use and fill the cache of compiled models; default true. */
  readonly cache?: boolean;
}

/** Type-checks, instruments and evaluates `modelPath`; throws PotgenError with locations on failure. */
export function loadModel(modelPath: string, options: LoadOptions = {}): LoadedModel {
  const file = path.resolve(modelPath);
  if (!existsSync(file)) throw new PotgenError(`The model file ${displayPath(file)} does not exist.`);
  if (statSync(file).isDirectory()) {
    throw new PotgenError(`The model file ${displayPath(file)} is a folder; name the .ts file that exports the network.`);
  }
  if (!/\.(ts|mts)$/.test(file)) {
    throw new PotgenError(`The model file ${displayPath(file)} is not a TypeScript file (.ts).`);
  }
  const timeoutMs = options.timeoutMs ?? EVALUATION_TIMEOUT_MS;
  if (options.cache !== false) {
    const cached = readCachedLoad(file);
    if (cached) {
      // A cached model loaded before; should it fail now, the full load below reports exactly why.
      try {
        const loaded = run(file, timeoutMs, (f) => {
          const c = cached.get(f);
          if (!c) throw new PotgenError(`${f} is not in the cache entry`);
          return c;
        });
        if (isNetwork(loaded.exports.default)) return { file, network: loaded.exports.default, locator: loaded.recorder, fromCache: true };
      } catch {
        // Fall through to the full load.
      }
    }
  }
  const compiler = new ModelCompiler(file);
  compiler.check();
  const compiled = new Map<string, CompiledFile>();
  const loaded = run(file, timeoutMs, (f) => {
    let c = compiled.get(f);
    if (!c) compiled.set(f, (c = compiler.compile(f)));
    return c;
  });
  const network = loaded.exports.default;
  if (!isNetwork(network)) throw notANetwork(file, compiler.defaultExport(), loaded.exports);
  if (options.cache !== false) {
    writeCachedLoad(file, [...compiled.values()], [...compiler.userFiles().map((sf) => sf.getFilePath()), ...loaded.jsonRead]);
  }
  return { file, network, locator: loaded.recorder, fromCache: false };
}

/** Evaluates the model file, compiling (or finding) each user file through `compile`. */
function run(file: string, timeoutMs: number, compile: (file: string) => CompiledFile) {
  const ctx: EvaluationContext = { recorder: new CallSiteRecorder(), compile, timeoutMs, ran: new Map(), jsonRead: new Set() };
  const exports = evaluate(ctx, compile(file)) as Record<string, unknown>;
  return { exports, recorder: ctx.recorder, jsonRead: ctx.jsonRead };
}

function isNetwork(value: unknown): value is RawNetwork {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'network';
}

/** The error for a model file whose default export is not a network, at its `export default` if any. */
function notANetwork(file: string, defaultExport: ReturnType<ModelCompiler['defaultExport']>, exports: Record<string, unknown>): DiagnosticsError {
  if (defaultExport && 'default' in exports) {
    return new DiagnosticsError([
      {
        location: defaultExport,
        message: `the model file's default export is ${describeValue(exports.default)}, not a network.`,
        fix: "Export network({ ... }) from 'potgen' as the default.",
      },
    ]);
  }
  const named = Object.keys(exports).find((k) => k !== 'default' && isNetwork(exports[k]));
  return new DiagnosticsError([
    {
      location: { file: displayPath(file), line: 1, column: 1 },
      message: 'the model file does not export a network as its default export.',
      fix: named
        ? `It exports the network '${named}' by name; add \`export default ${named};\`.`
        : "Add `export default network({ ... })` with `import { network } from 'potgen'`.",
    },
  ]);
}

/** A value as a user would write it, for messages. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
