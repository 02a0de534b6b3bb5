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

/** The named hand-written library modules (file `<module>.v` each), name → text, sorted. */
export function libraryFiles(modules: ReadonlySet<string>): [string, string][] {
  const available = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.v'));
  for (const m of modules) if (!available.includes(`${m}.v`)) throw new Error(`internal: no library module ${m}`);
  return [...modules].sort().map((m) => [`${m}.v`, readFileSync(`${LIBRARY_DIR}${m}.v`, 'utf8')]);
}
