/**
 * Handlebars templates, compiled in strict mode: a value a template names but is not given is an
 * error naming the template, never an empty string in the Verilog.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type HandlebarsType from 'handlebars';
import { InternalError, TemplateError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/paths.ts';

/** Repository folders holding templates and the hand-written RTL library. */
export const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'templates');
export const TESTBENCH_DIR = path.join(PACKAGE_ROOT, 'testbench');
export const LIBRARY_DIR = path.join(TEMPLATE_DIR, 'lib');

/** Handlebars, loaded on first use: the commands that emit nothing never pay for it. */
let engine: typeof HandlebarsType | undefined;
const compiled = new Map<string, HandlebarsType.TemplateDelegate>();

/** Renders `file` (relative to its folder) with `values`; throws TemplateError if a value is missing. */
export function render(dir: string, file: string, values: object): string {
  const key = path.join(dir, file);
  let template = compiled.get(key);
  if (!template) {
    if (!engine) {
      engine = (createRequire(import.meta.url)('handlebars') as typeof HandlebarsType).create();
      engine.registerPartial('header', readFileSync(path.join(TEMPLATE_DIR, 'header.hbs'), 'utf8'));
    }
    template = engine.compile(readFileSync(key, 'utf8'), { strict: true, noEscape: true });
    compiled.set(key, template);
  }
  try {
    return template(values);
  } catch (e) {
    throw new TemplateError(file, (e as Error).message, { cause: e });
  }
}

/** The named hand-written library modules (file `<module>.v` each), name → text, sorted. */
export function libraryFiles(modules: ReadonlySet<string>): [string, string][] {
  const available = new Set(readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.v')));
  for (const m of modules) if (!available.has(`${m}.v`)) throw new InternalError(`no library module ${m} in ${LIBRARY_DIR}`);
  return [...modules].sort().map((m) => [`${m}.v`, readFileSync(path.join(LIBRARY_DIR, `${m}.v`), 'utf8')]);
}
