/**
 * Loads a user's model file: type-checks it with ts-morph (errors with file:line:col before
 * anything runs), rewrites DSL calls to record their source locations, then evaluates it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, ts, type SourceFile } from 'ts-morph';
import * as dsl from '../dsl/index.ts';
import type { RawNetwork } from '../dsl/types.ts';
import { DiagnosticsError, PotgenError, type Diagnostic, type SourceLocation } from '../errors.ts';
import { CallSiteRecorder, type CallSite, type Locator } from './locations.ts';

/** The DSL's entry file: calls to functions declared here are the ones we locate. */
const DSL_ENTRY = fileURLToPath(new URL('../dsl/index.ts', import.meta.url));

/** A model file, evaluated: the network it exports and where each part of it was written. */
export interface LoadedModel {
  readonly file: string;
  readonly network: RawNetwork;
  readonly locator: Locator;
}

/** Shows a path relative to the working directory when it lies below it, as compilers do. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Type-checks, instruments and evaluates `modelPath`; throws PotgenError with locations on failure. */
export function loadModel(modelPath: string): LoadedModel {
  const file = path.resolve(modelPath);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new PotgenError(`The model file ${displayPath(file)} does not exist.`);
  }
  if (!/\.(ts|mts)$/.test(file)) {
    throw new PotgenError(`The model file ${displayPath(file)} is not a TypeScript file (.ts).`);
  }
  const project = new Project({
    compilerOptions: {
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
  project.resolveSourceFileDependencies();
  reportTypeErrors(project, source);

  const recorder = new CallSiteRecorder();
  const exports = evaluate(project, source, recorder, new Map());
  const network = (exports as { default?: unknown }).default;
  if (typeof network !== 'object' || network === null || (network as { kind?: unknown }).kind !== 'network') {
    throw new DiagnosticsError([
      {
        location: { file: displayPath(file), line: 1, column: 1 },
        message: 'the model file does not export a network as its default export.',
        fix: "Add `export default network({ ... })` with `import { network } from 'potgen'`.",
      },
    ]);
  }
  return { file, network: network as RawNetwork, locator: recorder };
}

/** Reports type errors in the user's own files (not in potgen's), all together. */
function reportTypeErrors(project: Project, entry: SourceFile): void {
  const dslDir = path.dirname(DSL_ENTRY);
  const diagnostics: Diagnostic[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const sf = d.getSourceFile();
    if (sf && sf.getFilePath().startsWith(dslDir + path.sep)) continue;
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
function isDslCall(node: Node): boolean {
  if (!Node.isCallExpression(node)) return false;
  let symbol = node.getExpression().getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  return (symbol?.getDeclarations() ?? []).some((d) => d.getSourceFile().getFilePath() === DSL_ENTRY);
}

/** The location of every property in an object literal, keyed by dotted path. */
function propertySites(sf: SourceFile, node: Node | undefined, prefix: string, into: Record<string, SourceLocation>): void {
  if (!node || !Node.isObjectLiteralExpression(node)) return;
  for (const prop of node.getProperties()) {
    if (!Node.isPropertyAssignment(prop) && !Node.isShorthandPropertyAssignment(prop)) continue;
    const key = prefix + prop.getName().replace(/^['"]|['"]$/g, '');
    into[key] = locationAt(sf, prop.getStart());
    if (Node.isPropertyAssignment(prop)) propertySites(sf, prop.getInitializer(), `${key}.`, into);
  }
}

/** The file's text with every DSL call wrapped in `__potgenAt(call, site)`. */
function instrument(sf: SourceFile): string {
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
  return text;
}

/** Evaluates a (type-checked) file as CommonJS, resolving `potgen` to the DSL and relative imports recursively. */
function evaluate(project: Project, sf: SourceFile, recorder: CallSiteRecorder, cache: Map<string, unknown>): unknown {
  const file = sf.getFilePath();
  const cached = cache.get(file);
  if (cached) return cached;
  const { outputText } = ts.transpileModule(instrument(sf), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const module = { exports: {} as unknown };
  cache.set(file, module.exports);
  const nodeRequire = createRequire(file);
  const requireForModel = (spec: string): unknown => {
    if (spec === 'potgen') return dsl;
    if (spec.startsWith('.') || path.isAbsolute(spec)) {
      const resolved = resolveRelative(file, spec);
      const dep = project.getSourceFile(resolved) ?? project.addSourceFileAtPath(resolved);
      if (resolved.endsWith('.json')) return JSON.parse(readFileSync(resolved, 'utf8'));
      return evaluate(project, dep, recorder, cache);
    }
    return nodeRequire(spec);
  };
  try {
    new Function('require', 'module', 'exports', '__potgenAt', outputText)(
      requireForModel,
      module,
      module.exports,
      recorder.record,
    );
  } catch (e) {
    if (e instanceof PotgenError) throw e;
    throw new PotgenError(`Evaluating the model file ${displayPath(file)} failed: ${(e as Error).message ?? String(e)}`);
  }
  cache.set(file, module.exports);
  return module.exports;
}

function resolveRelative(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new PotgenError(`The model file ${displayPath(from)} imports ${spec}, which does not exist.`);
}
