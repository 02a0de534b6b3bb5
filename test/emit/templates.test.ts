/** Template failures are potgen's bugs, reported as such: TemplateError names the template and the missing value. */
import { describe, expect, it } from 'vitest';
import { InternalError, PotgenError, TemplateError } from '../../generator/core/errors.ts';
import { libraryFiles, render, TEMPLATE_DIR } from '../../generator/emit/templates.ts';

describe('render', () => {
  it('renders in strict mode: a value the template names but is not given is a TemplateError naming both', () => {
    let thrown: unknown;
    try {
      render(TEMPLATE_DIR, 'rom.v.hbs', { file: 'x.v', version: '0', source: 'm.ts', description: 'd', layout: 'l', module: 'x' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TemplateError);
    expect(thrown).not.toBeInstanceOf(PotgenError); // not the user's fault: the CLI reports it as an internal error
    expect((thrown as TemplateError).template).toBe('rom.v.hbs');
    expect((thrown as Error).message).toMatch(/^template rom\.v\.hbs: "addrMsb" not defined in /);
  });

  it('names a missing library module as an internal error', () => {
    expect(() => libraryFiles(new Set(['potgen_nothing']))).toThrow(InternalError);
    expect(() => libraryFiles(new Set(['potgen_nothing']))).toThrow(/^no library module potgen_nothing in .*templates\/lib$/);
  });
});
