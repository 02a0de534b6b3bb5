/**
 * What the HTML reports (compare.html, explore.html) share: Vega-Lite plots rendered to SVG in
 * Node, so a page opens offline with no script, and text escaped for it.
 */

/** Renders a Vega-Lite specification to SVG text without a browser or a canvas. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec as never).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Text as HTML: &, <, > and " escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * A whole page with the reports' shared style: `extraStyle` rules follow the table's, then the
 * heading and the sections, one after another.
 */
export function htmlPage(page: { readonly title: string; readonly heading: string; readonly sections: readonly string[]; readonly extraStyle?: readonly string[] }): string {
  const style = [
    'body { font-family: sans-serif; margin: 2em; color: #222; }',
    'table { border-collapse: collapse; font-size: 14px; }',
    'th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; }',
    ...(page.extraStyle ?? []),
    '.n { text-align: right; font-variant-numeric: tabular-nums; }',
    'figure { display: inline-block; margin: 1em 2em 1em 0; }',
    'figcaption { text-align: center; font-size: 13px; color: #555; }',
    'p { max-width: 60em; line-height: 1.4; }',
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    '<style>',
    ...style,
    '</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.heading)}</h1>`,
    ...page.sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
