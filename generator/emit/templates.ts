/**
 * Handlebars templates, compiled in strict mode: a value a template names but is not given is an
 * error naming the template, never an empty string in the Verilog.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** Repository folders holding templates and the hand-written RTL library. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
export const TESTBENCH_DIR = fileURLToPath(new URL('../../testbench/', import.meta.url));
export const LIBRARY_DIR = fileURLToPath(new URL('../../templates/lib/', import.meta.url));

const engine = Handlebars.create();
engine.registerPartial('header', readFileSync(`${TEMPLATE_DIR}header.hbs`, 'utf8'));
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `file` (relative to its folder) with `values`; throws if a value is missing. */
export function render(dir: string, file: string, values: object): string {
  let template = compiled.get(dir + file);
  if (!template) {
    template = engine.compile(readFileSync(dir + file, 'utf8'), { strict: true, noEscape: true });
    compiled.set(dir + file, template);
  }
  try {
    return template(values);
  } catch (e) {
    throw new Error(`template ${file}: ${(e as Error).message}`);
  }
}

/** The hand-written library files, name → text, sorted. */
export function libraryFiles(): [string, string][] {
  return readdirSync(LIBRARY_DIR)
    .filter((f) => f.endsWith('.v'))
    .sort()
    .map((f) => [f, readFileSync(LIBRARY_DIR + f, 'utf8')]);
}
