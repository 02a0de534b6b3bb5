/** The same model gives byte-identical files, with no dates or random names in them. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../../generator/pipeline/buildDesign.ts';
import { writePlan } from '../../generator/write/writePlan.ts';
import { tempDir } from '../support/designs.ts';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('determinism', () => {
  it('builds examples/conv3x3.ts twice into identical files', () => {
    const dir = tempDir();
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    writePlan(buildDesign('examples/conv3x3.ts').plan, a);
    writePlan(buildDesign('examples/conv3x3.ts').plan, b);
    const files = listFiles(a).sort();
    expect(listFiles(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(b, f)), f).toEqual(readFileSync(path.join(a, f)));
    for (const f of files) expect(readFileSync(path.join(a, f), 'utf8'), f).not.toMatch(/\b20\d\d-\d\d-\d\d\b|\d\d:\d\d:\d\d/);
  });
});
