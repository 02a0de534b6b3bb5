/**
 * Loads a user's model file: type-checks it with ts-morph (errors with file:line:col before
 * anything runs), rewrites DSL calls to record their source locations, then evaluates it.
 *
 * What a model file may do: it describes a network, so it may import only 'potgen', its own
 * relative .ts files and .json files; no Node built-ins and no npm packages, so that a model
 * builds the same everywhere. It runs in potgen's process and must finish within
 * EVALUATION_TIMEOUT_MS.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { Node as TsNode, Project as TsProject, SourceFile } from 'ts-morph';
import { DiagnosticsError, PotgenError, type Diagnostic, type SourceLocation } from '../core/errors.ts';
import { displayPath, PACKAGE_ROOT } from '../core/paths.ts';
import * as dsl from '../dsl/index.ts';
import type { RawNetwork } from '../dsl/types.ts';
import { CallSiteRecorder, type CallSite, type Locator } from './locations.ts';

/**
 * ts-morph (and the TypeScript compiler inside it) is loaded on first use: it takes about half a
 * second, which the commands that do not read model files should not pay.
 */
let tsMorph: typeof import('ts-morph') | undefined;
function morph(): typeof import('ts-morph') {
  tsMorph ??= createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  return tsMorph;
}

/** The DSL's entry file: calls to functions declared here are the ones we locate. */
const DSL_ENTRY = path.join(PACKAGE_ROOT, 'generator', 'dsl', 'index.ts');

/** How long a model file may run (its top level and the helper files it imports). */
export const EVALUATION_TIMEOUT_MS = 10_000;

/** What a model file may import, for messages. */
const IMPORT_RULE = "a model file may import only 'potgen', its own relative .ts files and .json files";

/** A model file, evaluated: the network it exports and where each part of it was written. */
export interface LoadedModel {
  readonly file: string;
  readonly network: RawNetwork;
  readonly locator: Locator;
}

/** Type-checks, instruments and evaluates `modelPath`; throws PotgenError with locations on failure. */
export function loadModel(modelPath: string, options: { readonly timeoutMs?: number } = {}): LoadedModel {
  const file = path.resolve(modelPath);
  if (!existsSync(file)) throw new PotgenError(`The model file ${displayPath(file)} does not exist.`);
  if (statSync(file).isDirectory()) {
    throw new PotgenError(`The model file ${displayPath(file)} is a folder; name the .ts file that exports the network.`);
  }
  if (!/\.(ts|mts)$/.test(file)) {
    throw new PotgenError(`The model file ${displayPath(file)} is not a TypeScript file (.ts).`);
  }
  const { Project, ts } = morph();
  const project = new Project({
    compilerOptions: {
      // Only the ES2022 library: the DOM's declarations would triple the time a type check takes.
      lib: ['lib.es2022.d.ts'],
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      paths: { potgen: [DSL_ENTRY] },
    },
  });
  const source = project.addSourceFileAtPath(file);
  checkImports(source);
  project.resolveSourceFileDependencies();
  for (const sf of project.getSourceFiles()) if (sf !== source && !isPotgenFile(sf)) checkImports(sf);
  reportTypeErrors(project, source);

  const recorder = new CallSiteRecorder();
  const exports = evaluate({ project, recorder, cache: new Map(), files: new Map(), timeoutMs: options.timeoutMs ?? EVALUATION_TIMEOUT_MS }, source);
  const network = (exports as { default?: unknown }).default;
  if (!isNetwork(network)) throw notANetwork(source, exports as Record<string, unknown>);
  return { file, network: network as RawNetwork, locator: recorder };
}

function isNetwork(value: unknown): value is RawNetwork {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'network';
}

/** The error for a model file whose default export is not a network, at its `export default` if any. */
function notANetwork(sf: SourceFile, exports: Record<string, unknown>): DiagnosticsError {
  const file = sf.getFilePath();
  const fix = "Add `export default network({ ... })` with `import { network } from 'potgen'`.";
  const assignment = sf.getExportAssignment((e) => !e.isExportEquals());
  if (assignment && 'default' in exports) {
    return new DiagnosticsError([
      {
        location: locationAt(sf, assignment.getStart()),
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
      fix: named ? `It exports the network '${named}' by name; add \`export default ${named};\`.` : fix,
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

/** Whether a file of the type-check program is potgen's own DSL. */
function isPotgenFile(sf: SourceFile): boolean {
  return sf.getFilePath().startsWith(path.dirname(DSL_ENTRY) + path.sep);
}

/** Whether a model file may import `spec`. */
function allowedImport(spec: string): boolean {
  return spec === 'potgen' || spec.startsWith('./') || spec.startsWith('../');
}

/** Why an import is refused, in words that say what to do instead. */
function refusedImport(spec: string): string {
  const builtin = spec.startsWith('node:') || createRequire(import.meta.url)('node:module').builtinModules.includes(spec);
  const what = builtin ? `'${spec}' is a Node built-in` : `'${spec}' is a package`;
  return `${IMPORT_RULE}; ${what}. A model describes a network: name weight files in 'weights' and data sets in 'dataset'.`;
}

/** Reports every import of a file that the model-file rule refuses, before the type check would misreport them. */
function checkImports(sf: SourceFile): void {
  const { Node } = morph();
  const diagnostics: Diagnostic[] = [];
  const refuse = (node: TsNode, spec: string): void => {
    diagnostics.push({ location: locationAt(sf, node.getStart()), message: refusedImport(spec) });
  };
  for (const d of [...sf.getImportDeclarations(), ...sf.getExportDeclarations()]) {
    const spec = d.getModuleSpecifierValue();
    if (spec !== undefined && !allowedImport(spec)) refuse(d, spec);
  }
  sf.forEachDescendant((node) => {
    if (Node.isImportEqualsDeclaration(node)) {
      const ref = node.getModuleReference();
      if (Node.isExternalModuleReference(ref)) {
        const spec = ref.getExpression()?.getText().replace(/^['"`]|['"`]$/g, '');
        if (spec !== undefined && !allowedImport(spec)) refuse(node, spec);
      }
    } else if (Node.isCallExpression(node) && node.getExpression().getKind() === morph().ts.SyntaxKind.ImportKeyword) {
      refuse(node, node.getArguments()[0]?.getText().replace(/^['"`]|['"`]$/g, '') ?? 'a computed module');
    }
  });
  if (diagnostics.length > 0) throw new DiagnosticsError(diagnostics);
}

/** Reports type errors in the user's own files (not in potgen's), all together. */
function reportTypeErrors(project: TsProject, entry: SourceFile): void {
  const { ts } = morph();
  const diagnostics: Diagnostic[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const sf = d.getSourceFile();
    if (sf && isPotgenFile(sf)) continue;
    const text = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ');
    const start = d.getStart();
    const location: SourceLocation =
      sf && start !== undefined
        ? locationAt(sf, start)
        : { file: displayPath(entry.getFilePath()), line: 1, column: 1 };
    diagnostics.push({ location, message: `${text} (TS${d.getCode()})` });
  }
  if (diagnostics.length > 0) throw new DiagnosticsError(diagnostics);
}

function locationAt(sf: SourceFile, pos: number): SourceLocation {
  const { line, column } = sf.getLineAndColumnAtPos(pos);
  return { file: displayPath(sf.getFilePath()), line, column };
}

/** Whether a call's callee is one of the DSL's builder functions (however it was imported). */
function isDslCall(node: TsNode): boolean {
  const { Node } = morph();
  if (!Node.isCallExpression(node)) return false;
  let symbol = node.getExpression().getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  return (symbol?.getDeclarations() ?? []).some((d) => d.getSourceFile().getFilePath() === DSL_ENTRY);
}

/** The location of every property in an object literal, keyed by dotted path. */
function propertySites(sf: SourceFile, node: TsNode | undefined, prefix: string, into: Record<string, SourceLocation>): void {
  const { Node } = morph();
  if (!node || !Node.isObjectLiteralExpression(node)) return;
  for (const prop of node.getProperties()) {
    if (!Node.isPropertyAssignment(prop) && !Node.isShorthandPropertyAssignment(prop)) continue;
    const key = prefix + prop.getName().replace(/^['"]|['"]$/g, '');
    into[key] = locationAt(sf, prop.getStart());
    if (Node.isPropertyAssignment(prop)) propertySites(sf, prop.getInitializer(), `${key}.`, into);
  }
}

/** A piece of text inserted at `pos` of the original text. */
interface Insert {
  readonly pos: number;
  readonly length: number;
}

/** The file's text with every DSL call wrapped in `__potgenAt(call, site)`, and where text was inserted. */
function instrument(sf: SourceFile): { text: string; inserts: Insert[] } {
  const { Node } = morph();
  const edits: { pos: number; text: string }[] = [];
  sf.forEachDescendant((node) => {
    if (!isDslCall(node) || !Node.isCallExpression(node)) return;
    const props: Record<string, SourceLocation> = {};
    propertySites(sf, node.getArguments()[0], '', props);
    const site: CallSite = { call: locationAt(sf, node.getStart()), props };
    edits.push({ pos: node.getStart(), text: '__potgenAt(' });
    edits.push({ pos: node.getEnd(), text: `, ${JSON.stringify(site)})` });
  });
  // Apply from the end so earlier positions stay valid; at one position a closing edit (end of an
  // inner call) never coincides with an opening one, so the order among equal positions is free.
  edits.sort((a, b) => b.pos - a.pos);
  let text = sf.getFullText();
  for (const e of edits) text = text.slice(0, e.pos) + e.text + text.slice(e.pos);
  const inserts = edits.map((e) => ({ pos: e.pos, length: e.text.length })).reverse();
  return { text, inserts };
}

/** A user file as it was evaluated: enough to map a position in the running code back to the source. */
interface EvaluatedFile {
  readonly sf: SourceFile;
  /** Maps the transpiled JavaScript to the instrumented text. */
  readonly map: SourceMap;
  /** The instrumented text, whose lines are the source's lines. */
  readonly text: string;
  /** The `__potgenAt(` / `, site)` insertions, at their positions in the original text, ascending. */
  readonly inserts: readonly Insert[];
}

interface EvalContext {
  readonly project: TsProject;
  readonly recorder: CallSiteRecorder;
  readonly cache: Map<string, unknown>;
  readonly files: Map<string, EvaluatedFile>;
  readonly timeoutMs: number;
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

/** Evaluates a (type-checked) file as CommonJS, resolving `potgen` to the DSL and relative imports recursively. */
function evaluate(ctx: EvalContext, sf: SourceFile): unknown {
  const { ts } = morph();
  const file = sf.getFilePath();
  if (ctx.cache.has(file)) return ctx.cache.get(file);
  const { text, inserts } = instrument(sf);
  const { outputText, sourceMapText } = ts.transpileModule(text, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: true },
  });
  ctx.files.set(file, { sf, text, inserts, map: new SourceMap(JSON.parse(sourceMapText!) as SourceMapPayload) });
  const module = { exports: {} as unknown };
  ctx.cache.set(file, module.exports);
  const requireForModel = (spec: string): unknown => {
    if (spec === 'potgen') return dsl;
    if (!allowedImport(spec)) throw new RefusedImport(refusedImport(spec));
    const resolved = resolveRelative(file, spec);
    if (resolved.endsWith('.json')) return JSON.parse(readFileSync(resolved, 'utf8'));
    const dep = ctx.project.getSourceFile(resolved) ?? ctx.project.addSourceFileAtPath(resolved);
    return evaluate(ctx, dep);
  };
  // Compiled under the file's own name, so that the stack of anything it throws points into it;
  // the wrapper shares the first line, so columns there are shifted back by its length.
  const wrapper = '(function (require, module, exports, __potgenAt) {';
  const body = outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const run = new vm.Script(`${wrapper}${body}\n})`, { filename: file, columnOffset: -wrapper.length }).runInThisContext() as (...args: unknown[]) => void;
  const call = (): void => run(requireForModel, module, module.exports, ctx.recorder.record);
  const outermost = ctx.files.size === 1;
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
      location
        ? { location, message: `running the model file threw ${what}` }
        : { message: `running the model file ${displayPath(file)} threw ${what}` },
    ]);
  }
  ctx.cache.set(file, module.exports);
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
function throwSite(ctx: EvalContext, e: unknown): SourceLocation | undefined {
  let stack: unknown;
  try {
    stack = (e as { stack?: unknown } | null | undefined)?.stack;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  for (const frame of stack.split('\n')) {
    if (!/^\s*at /.test(frame)) continue;
    for (const [file, evaluated] of ctx.files) {
      const at = frame.lastIndexOf(`${file}:`);
      if (at < 0) continue;
      const m = /^:(\d+):(\d+)/.exec(frame.slice(at + file.length));
      if (!m) continue;
      const location = originalLocation(evaluated, Number(m[1]), Number(m[2]));
      if (location) return location;
    }
  }
  return undefined;
}

/** Maps a 1-based line and column in a file's transpiled code back to the file as the user wrote it. */
function originalLocation(f: EvaluatedFile, line: number, column: number): SourceLocation | undefined {
  const entry = f.map.findEntry(line - 1, column - 1);
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
    if (pos < insert.pos + shift + insert.length) return locationAt(f.sf, insert.pos);
    shift += insert.length;
  }
  return locationAt(f.sf, Math.min(pos - shift, f.sf.getEnd()));
}

function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new PotgenError(`The model file ${displayPath(from)} imports ${spec}, which does not exist.`);
}
