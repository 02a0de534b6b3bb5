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
