/**
 * Runs compiled model files (./compile.ts) in potgen's process: `potgen` resolves to the DSL,
 * relative imports to other compiled files or JSON, anything else is refused. The run is bounded
 * in time, and whatever it throws is reported at the line of the user's file that threw it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { DiagnosticsError, PotgenError, type SourceLocation } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';
import * as dsl from '../dsl/index.ts';
import { allowedImport, locationIn, missingImport, refusedImport, type CompiledFile } from './compile.ts';
import type { CallSiteRecorder } from './locations.ts';

/** How long a model file may run (its top level and the helper files it imports). */
export const EVALUATION_TIMEOUT_MS = 10_000;

/** What one evaluation needs, and what it learns: the files it ran and the JSON files it read. */
export interface EvaluationContext {
  readonly recorder: CallSiteRecorder;
  /** Compiles (or finds) the user file at an absolute path. */
  readonly compile: (file: string) => CompiledFile;
  readonly timeoutMs: number;
  readonly ran: Map<string, { readonly compiled: CompiledFile; readonly map: SourceMap; exports: unknown }>;
  readonly jsonRead: Set<string>;
}

/** Thrown into a running model file that requires what the import rule refuses. */
class RefusedImport extends Error {
  override name = 'RefusedImport';
}

/**
 * Runs `call` under a time bound: the watchdog of vm's `timeout` stops any JavaScript that runs
 * while the bounding script runs, including the functions it calls.
 */
function withTimeout(call: () => void, ms: number): void {
  const key = '__potgenEvaluate';
  (globalThis as Record<string, unknown>)[key] = call;
  try {
    new vm.Script(`globalThis.${key}()`).runInThisContext({ timeout: ms });
  } finally {
    delete (globalThis as Record<string, unknown>)[key];
  }
}

/** Evaluates a compiled file as CommonJS and returns its exports; the first call is the model file. */
export function evaluate(ctx: EvaluationContext, compiled: CompiledFile): unknown {
  const file = compiled.file;
  const done = ctx.ran.get(file);
  if (done) return done.exports;
  const module = { exports: {} as unknown };
  const record = { compiled, map: new SourceMap(compiled.map), exports: module.exports };
  ctx.ran.set(file, record);
  const requireForModel = (spec: string): unknown => {
    if (spec === 'potgen') return dsl;
    if (!allowedImport(spec)) throw new RefusedImport(refusedImport(spec));
    const resolved = resolveRelative(file, spec);
    if (resolved.endsWith('.json')) {
      ctx.jsonRead.add(resolved);
      return JSON.parse(readFileSync(resolved, 'utf8'));
    }
    return evaluate(ctx, ctx.compile(resolved));
  };
  // Compiled under the file's own name, so that the stack of anything it throws points into it;
  // the wrapper shares the first line, so columns there are shifted back by its length.
  const wrapper = '(function (require, module, exports, __potgenAt) {';
  const run = new vm.Script(`${wrapper}${compiled.code}\n})`, { filename: file, columnOffset: -wrapper.length }).runInThisContext() as (
    ...args: unknown[]
  ) => void;
  const call = (): void => run(requireForModel, module, module.exports, ctx.recorder.record);
  const outermost = ctx.ran.size === 1;
  try {
    if (outermost) withTimeout(call, ctx.timeoutMs);
    else call();
  } catch (e) {
    if (e instanceof PotgenError) throw e;
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new DiagnosticsError([
        {
          location: { file: displayPath(file), line: 1, column: 1 },
          message: `running the model file did not finish within ${ctx.timeoutMs / 1000} s; a model file only describes a network, so look for a loop that never ends.`,
        },
      ]);
    }
    const location = throwSite(ctx, e);
    if (e instanceof RefusedImport) {
      throw new DiagnosticsError([location ? { location, message: e.message } : { message: `${displayPath(file)}: ${e.message}` }]);
    }
    const what = describeThrown(e);
    throw new DiagnosticsError([
      location ? { location, message: `running the model file threw ${what}` } : { message: `running the model file ${displayPath(file)} threw ${what}` },
    ]);
  }
  record.exports = module.exports;
  return module.exports;
}

/** What a model file threw, as a sentence end: `Error: boom.` */
function describeThrown(e: unknown): string {
  let text: string;
  if (e instanceof Error || (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string')) {
    const { name, message } = e as Error;
    text = message ? `${name || 'Error'}: ${message}` : name || 'Error';
  } else {
    text = `the value ${typeof e === 'string' ? JSON.stringify(e) : String(e)}`;
  }
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The source location of the innermost stack frame of `e` that lies in one of the user's files. */
function throwSite(ctx: EvaluationContext, e: unknown): SourceLocation | undefined {
  let stack: unknown;
  try {
    stack = (e as { stack?: unknown } | null | undefined)?.stack;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  for (const frame of stack.split('\n')) {
    if (!/^\s*at /.test(frame)) continue;
    for (const [file, ran] of ctx.ran) {
      const at = frame.lastIndexOf(`${file}:`);
      if (at < 0) continue;
      const m = /^:(\d+):(\d+)/.exec(frame.slice(at + file.length));
      if (!m) continue;
      const location = originalLocation(ran.compiled, ran.map, Number(m[1]), Number(m[2]));
      if (location) return location;
    }
  }
  return undefined;
}

/** Maps a 1-based line and column in a file's transpiled code back to the file as the user wrote it. */
function originalLocation(f: CompiledFile, map: SourceMap, line: number, column: number): SourceLocation | undefined {
  const entry = map.findEntry(line - 1, column - 1);
  if (!('originalLine' in entry)) return undefined;
  // Instrumenting inserts no line breaks, so lines of the instrumented text are the source's lines.
  let pos = 0;
  for (let l = 0; l < entry.originalLine; l++) {
    const nl = f.text.indexOf('\n', pos);
    if (nl < 0) return undefined;
    pos = nl + 1;
  }
  pos += entry.originalColumn;
  // Undo the insertions before `pos`; a position inside an insertion maps to where it was inserted.
  let shift = 0;
  for (const insert of f.inserts) {
    if (pos < insert.pos + shift) break;
    if (pos < insert.pos + shift + insert.length) return locationIn(f.file, f.original, insert.pos);
    shift += insert.length;
  }
  return locationIn(f.file, f.original, Math.min(pos - shift, f.original.length));
}

/** The file a relative import names: as written, with `.ts`, or the folder's index.ts. */
export function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw missingImport(from, spec);
}
