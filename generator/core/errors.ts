/**
 * The typed error hierarchy. Every error a user can cause is a PotgenError whose message is a
 * full sentence; the CLI prints `message` and exits non-zero, never a stack trace.
 */

/** A position in a user's file, 1-based like compilers print it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Formats a location as `file:line:col`. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Base class of every error caused by user input or the environment. */
export class PotgenError extends Error {
  override name = 'PotgenError';
}

/** One broken rule, with where it was broken and how to fix it when that is obvious. */
export interface Diagnostic {
  readonly location?: SourceLocation;
  readonly message: string;
  readonly fix?: string;
}

/** Formats one diagnostic as `file:line:col: error: message (fix)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const fix = d.fix ? ` ${d.fix}` : '';
  return `${where}error: ${d.message}${fix}`;
}

/** Several broken rules reported together, so the user can fix them all in one go. */
export class DiagnosticsError extends PotgenError {
  override name = 'DiagnosticsError';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

/** A weight file that is missing, unreadable, of the wrong shape or holds non-finite numbers. */
export class WeightFileError extends PotgenError {
  override name = 'WeightFileError';
}

/** An external tool (iverilog, vvp, verilator, yosys) that is missing or failed. */
export class ToolError extends PotgenError {
  override name = 'ToolError';
}

/** A template that could not render: a bug in potgen, named with the template and the missing value. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(readonly template: string, detail: string, options?: ErrorOptions) {
    super(`template ${template}: ${detail}`, options);
  }
}

/** A broken invariant inside potgen: never the user's fault, always worth a bug report. */
export class InternalError extends Error {
  override name = 'InternalError';
}
