/**
 * The ts-morph half of loading a model file: the import rule, the type check, and the
 * instrumentation that wraps every DSL call so its source location travels with the value it
 * returns. The output, a CompiledFile per user file, is plain data that ./evaluate.ts runs and
 * ./modelCache.ts can store, so that an unchanged model never loads the TypeScript compiler again.
 */
import { createRequire, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import type { Node as TsNode, Project as TsProject, SourceFile } from 'ts-morph';
import { DiagnosticsError, PotgenError, type Diagnostic, type SourceLocation } from '../core/errors.ts';
import { displayPath, PACKAGE_ROOT } from '../core/paths.ts';
import type { CallSite } from './locations.ts';

/** The DSL's entry file: calls to functions declared here are the ones we locate. */
export const DSL_ENTRY = path.join(PACKAGE_ROOT, 'generator', 'dsl', 'index.ts');

/** A piece of text inserted at `pos` of the original text. */
export interface Insert {
  readonly pos: number;
  readonly length: number;
}

/** A user file ready to run: its text as written and as instrumented, its JavaScript and source map. */
export interface CompiledFile {
  readonly file: string;
  /** The text as the user wrote it (locations are computed in it). */
  readonly original: string;
  /** The instrumented text, whose lines are the source's lines. */
  readonly text: string;
  /** The `__potgenAt(` / `, site)` insertions, at their positions in the original text, ascending. */
  readonly inserts: readonly Insert[];
  /** CommonJS JavaScript of the instrumented text. */
  readonly code: string;
  /** Maps `code` to the instrumented text. */
  readonly map: SourceMapPayload;
}

/**
 * ts-morph (and the TypeScript compiler inside it) is loaded on first use: it takes about half a
 * second, which the commands that do not read model files, and cached loads, never pay.
 */
let tsMorph: typeof import('ts-morph') | undefined;
function morph(): typeof import('ts-morph') {
  tsMorph ??= createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
  return tsMorph;
}

/** What a model file may import, for messages. */
const IMPORT_RULE = "a model file may import only 'potgen', its own relative .ts files and .json files";

/** Whether a model file may import `spec`. */
export function allowedImport(spec: string): boolean {
  return spec === 'potgen' || spec.startsWith('./') || spec.startsWith('../');
}

/** Why an import is refused, in words that say what to do instead. */
export function refusedImport(spec: string): string {
  const builtins = (createRequire(import.meta.url)('node:module') as { builtinModules: string[] }).builtinModules;
  const what = spec.startsWith('node:') || builtins.includes(spec) ? `'${spec}' is a Node built-in` : `'${spec}' is a package`;
  return `${IMPORT_RULE}; ${what}. A model describes a network: name weight files in 'weights' and data sets in 'dataset'.`;
}

/** `file:line:col` of a position in a text (1-based, as compilers print them). */
export function locationIn(file: string, text: string, pos: number): SourceLocation {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { file: displayPath(file), line, column: pos - start + 1 };
}

/** One model file's type-check program: checks it, then compiles its files on request. */
export class ModelCompiler {
  private readonly project: TsProject;
  private readonly entry: SourceFile;

  constructor(file: string) {
    const { Project, ts } = morph();
    this.project = new Project({
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
    this.entry = this.project.addSourceFileAtPath(file);
  }

  /** Checks the import rule and types of every user file; throws DiagnosticsError listing what is wrong. */
  check(): void {
    checkImports(this.entry);
    this.project.resolveSourceFileDependencies();
    for (const sf of this.userFiles()) if (sf !== this.entry) checkImports(sf);
    reportTypeErrors(this.project, this.entry);
  }

  /** The user's own files in the program: the model and the helpers it imports. */
  userFiles(): SourceFile[] {
    return this.project.getSourceFiles().filter((sf) => !isPotgenFile(sf));
  }

  /** Instruments and transpiles one user file. */
  compile(file: string): CompiledFile {
    const { ts } = morph();
    const sf = this.project.getSourceFile(file) ?? this.project.addSourceFileAtPath(file);
    const { text, inserts } = instrument(sf);
    const { outputText, sourceMapText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: true },
    });
    return {
      file,
      original: sf.getFullText(),
      text,
      inserts,
      code: outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'),
      map: JSON.parse(sourceMapText!) as SourceMapPayload,
    };
  }

  /** Where the model's `export default` is, if it has one. */
  defaultExport(): SourceLocation | undefined {
    const assignment = this.entry.getExportAssignment((e) => !e.isExportEquals());
    return assignment ? locationAt(this.entry, assignment.getStart()) : undefined;
  }
}

/** Whether a file of the type-check program is potgen's own DSL (or a library file). */
function isPotgenFile(sf: SourceFile): boolean {
  return sf.getFilePath().startsWith(path.dirname(DSL_ENTRY) + path.sep) || sf.isInNodeModules() || sf.isDeclarationFile();
}

/** Reports every import of a file that the model-file rule refuses, before the type check would misreport them. */
function checkImports(sf: SourceFile): void {
  const { Node, ts } = morph();
  const diagnostics: Diagnostic[] = [];
  const refuse = (node: TsNode, spec: string): void => {
    diagnostics.push({ location: locationAt(sf, node.getStart()), message: refusedImport(spec) });
  };
  const unquote = (text: string): string => text.replace(/^['"`]|['"`]$/g, '');
  for (const d of [...sf.getImportDeclarations(), ...sf.getExportDeclarations()]) {
    const spec = d.getModuleSpecifierValue();
    if (spec !== undefined && !allowedImport(spec)) refuse(d, spec);
  }
  sf.forEachDescendant((node) => {
    if (Node.isImportEqualsDeclaration(node)) {
      const ref = node.getModuleReference();
      if (Node.isExternalModuleReference(ref)) {
        const spec = ref.getExpression() ? unquote(ref.getExpression()!.getText()) : undefined;
        if (spec !== undefined && !allowedImport(spec)) refuse(node, spec);
      }
    } else if (Node.isCallExpression(node) && node.getExpression().getKind() === ts.SyntaxKind.ImportKeyword) {
      refuse(node, node.getArguments()[0] ? unquote(node.getArguments()[0]!.getText()) : 'a computed module');
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
      sf && start !== undefined ? locationAt(sf, start) : { file: displayPath(entry.getFilePath()), line: 1, column: 1 };
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

/**
 * A call site's location as the instrumented code records it: with the absolute path, because
 * compiled files are cached and the working directory may differ when they run again (the
 * locator shows the path relative to the working directory of the run that reports it).
 */
function siteAt(sf: SourceFile, pos: number): SourceLocation {
  const { line, column } = sf.getLineAndColumnAtPos(pos);
  return { file: sf.getFilePath(), line, column };
}

/** The location of every property in an object literal, keyed by dotted path. */
function propertySites(sf: SourceFile, node: TsNode | undefined, prefix: string, into: Record<string, SourceLocation>): void {
  const { Node } = morph();
  if (!node || !Node.isObjectLiteralExpression(node)) return;
  for (const prop of node.getProperties()) {
    if (!Node.isPropertyAssignment(prop) && !Node.isShorthandPropertyAssignment(prop)) continue;
    const key = prefix + prop.getName().replace(/^['"]|['"]$/g, '');
    into[key] = siteAt(sf, prop.getStart());
    if (Node.isPropertyAssignment(prop)) propertySites(sf, prop.getInitializer(), `${key}.`, into);
  }
}

/** The file's text with every DSL call wrapped in `__potgenAt(call, site)`, and where text was inserted. */
function instrument(sf: SourceFile): { text: string; inserts: Insert[] } {
  const { Node } = morph();
  const edits: { pos: number; text: string }[] = [];
  sf.forEachDescendant((node) => {
    if (!isDslCall(node) || !Node.isCallExpression(node)) return;
    const props: Record<string, SourceLocation> = {};
    propertySites(sf, node.getArguments()[0], '', props);
    const site: CallSite = { call: siteAt(sf, node.getStart()), props };
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

/** Thrown when a model file names a relative import that does not exist. */
export function missingImport(from: string, spec: string): PotgenError {
  return new PotgenError(`The model file ${displayPath(from)} imports ${spec}, which does not exist.`);
}
